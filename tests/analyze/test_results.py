"""The results folder's retention and the schedule words, without a server."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from app.config import load_settings
from app.core import ConfigError
from app.scan.results import PLOTLY_JS, apply_retention, result_file
from app.scan.schedule import parse_schedule


def _file(folder: Path, name: str, size: int, age_days: float) -> Path:
    path = folder / name
    path.write_bytes(b"x" * size)
    moment = time.time() - age_days * 86400
    os.utime(path, (moment, moment))
    return path


def test_retention_drops_old_files_then_the_oldest_over_the_byte_cap(tmp_path: Path):
    old = _file(tmp_path, "a_old.json", 10, 9)
    oldest_kept = _file(tmp_path, "b.json", 1000, 3)
    middle = _file(tmp_path, "c.json", 1000, 2)
    newest = _file(tmp_path, "d.json", 1000, 1)
    shared = _file(tmp_path, PLOTLY_JS, 5000, 30)
    left = apply_retention(tmp_path, keep_days=7, max_bytes=2000)
    assert not old.exists() and not oldest_kept.exists()
    assert middle.exists() and newest.exists() and shared.exists()  # plotly.js is shared
    assert left == {"deleted": 2, "bytes": 2000}


def test_only_files_a_run_wrote_are_served(tmp_path: Path):
    (tmp_path / "secret.txt").write_text("no")
    assert result_file(tmp_path, "20261206T081500123Z", "secret.txt") is None
    assert result_file(tmp_path, "../x", "secret.txt") is None
    assert result_file(tmp_path, "20261206T081500123Z", "../secret.txt") is None


@pytest.mark.parametrize(
    ("text", "seconds", "cron"),
    [
        ("interval:5m", 300, None),
        ("interval:30s", 30, None),
        ("interval:1h", 3600, None),
        ("*/5 * * * *", None, "*/5 * * * *"),
        ("0  9 * * 1-5", None, "0 9 * * 1-5"),
    ],
)
def test_schedules_as_written(text: str, seconds: int | None, cron: str | None):
    schedule = parse_schedule(text)
    assert (schedule.interval_seconds, schedule.cron) == (seconds, cron)


@pytest.mark.parametrize("text", ["interval:5d", "interval:0s", "every 5 minutes", "61 * * * *"])
def test_a_bad_scan_schedule_stops_the_start_naming_it(text: str):
    with pytest.raises(ConfigError, match=r"SCAN_SCHEDULE: .*(accepted: interval:5m|1 to 604,800)"):
        load_settings(scan_schedule=text)


def test_top_n_ranks_files_by_quote_volume_over_the_scanned_bars(tmp_path: Path):
    from app.core.synthetic import synthetic_ohlcv
    from app.scan.universe import scan_universe

    for name, scale in (("LOWUSDT", 1), ("MIDUSDT", 50), ("TOPUSDT", 400)):
        frame = synthetic_ohlcv(80, "5m", seed=3).copy()
        frame["volume"] = frame["volume"] * scale
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    settings = load_settings(
        data_source="csv",
        data_dir=tmp_path,
        csv_path=tmp_path / "TOPUSDT.csv",
        default_symbol="TOPUSDT",
        scan_symbols="top:2",
    )
    assert scan_universe(settings) == (["TOPUSDT", "MIDUSDT"], None)
    capped = load_settings(
        data_source="csv",
        data_dir=tmp_path,
        csv_path=tmp_path / "TOPUSDT.csv",
        default_symbol="TOPUSDT",
        scan_symbols="all",
        scan_max_symbols=2,
    )
    symbols, notice = scan_universe(capped)
    assert len(symbols) == 2 and "3 symbols: scanned 2 (SCAN_MAX_SYMBOLS)" in notice
