"""What the front ends call: symbols from DATA_DIR, views with EMAs, windows and paging."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pandas as pd
import pytest

import app.core.service as service
from app.config import load_settings
from app.core import (
    DataError,
    ParameterError,
    SymbolNotFoundError,
    TimeframeError,
    build_view,
    get_data_source,
    get_ohlcv,
    list_symbols,
    parse_ema_periods,
)
from app.core.synthetic import synthetic_ohlcv
from tests.core.fake_broker import Answer


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False, date_format="%Y-%m-%dT%H:%M:%SZ")
    return path


@pytest.fixture
def data_dir(tmp_path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    write_csv(folder / "BTCUSD.csv", synthetic_ohlcv(600, "1h", seed=1))
    synthetic_ohlcv(3000, "1m", seed=2).to_parquet(folder / "eurusd_m1.parquet", index=False)
    (folder / "notes.txt").write_text("not a symbol")
    (folder / "broken.csv").write_text("a,b\n1,2\n")
    return folder


@pytest.fixture
def settings(data_dir, tmp_path):
    outside = write_csv(tmp_path / "outside.csv", synthetic_ohlcv(50, "1d", seed=3))
    return load_settings(data_dir=data_dir, csv_path=outside)


# -- parse_ema_periods --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, (10, 21, 50, 150)),
        ("", ()),
        ("10,21", (10, 21)),
        (" 10 , 21 ,", (10, 21)),
        ([50, 10, 50], (50, 10)),
        ((2, 1000), (2, 1000)),
    ],
)
def test_parse_ema_periods(value, expected):
    assert parse_ema_periods(value, (10, 21, 50, 150)) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("10,abc", r"EMA period 'abc' is not valid; use whole numbers from 2 to 1000"),
        ("1", r"EMA period 1 is out of range; use whole numbers from 2 to 1000"),
        ([1001], r"EMA period 1001 is out of range"),
        ("10.5", r"EMA period '10.5' is not valid"),
    ],
)
def test_parse_ema_periods_rejects(value, message):
    with pytest.raises(ParameterError, match=message) as err:
        parse_ema_periods(value, ())
    assert err.value.parameter == "emas"


# -- build_view ---------------------------------------------------------------------------------


def test_build_view_resamples_computes_emas_on_all_history_then_cuts():
    frame = synthetic_ohlcv(1000, "1h")
    view = build_view(frame, symbol="up", timeframe="4h", emas=[10, 21], limit=50)
    full = build_view(frame, symbol="up", timeframe="4h", emas=[10, 21])
    assert view.timeframe.name == "4h" and view.native_timeframe.name == "1h"
    assert view.total_bars == len(full.frame) == 250
    assert len(view.frame) == 50 and view.first_index == 200 and view.has_more_before
    assert list(view.frame.columns) == [*frame.columns, "ema_10", "ema_21"]
    pd.testing.assert_frame_equal(view.frame, full.frame.iloc[200:].reset_index(drop=True))
    assert not view.frame["ema_21"].isna().any()  # warmed up on the history before the window


def test_window_by_start_end_and_limit():
    frame = synthetic_ohlcv(100, "1h", start="2024-01-01")
    view = build_view(
        frame, symbol="x", start="2024-01-02T00:00Z", end=pd.Timestamp("2024-01-02T05:00")
    )
    assert view.frame["time"].dt.hour.tolist() == [0, 1, 2, 3, 4, 5]
    assert view.first_index == 24
    view = build_view(frame, symbol="x", end="2024-01-02T05:00Z", limit=3)
    assert view.frame["time"].dt.hour.tolist() == [3, 4, 5] and view.first_index == 27
    empty = build_view(frame, symbol="x", start="2030-01-01")
    assert empty.frame.empty and empty.total_bars == 100


def test_limit_counts_from_start_when_there_is_no_end():
    """start=&limit=N gives the first N bars at or after start (paging forward, as exchange
    klines APIs do); with an end, limit keeps meaning the last N up to it."""
    frame = synthetic_ohlcv(100, "1h", start="2024-01-01")
    forward = build_view(frame, symbol="x", start="2024-01-02T00:30Z", limit=3)
    assert forward.frame["time"].dt.hour.tolist() == [1, 2, 3] and forward.first_index == 25
    both = build_view(frame, symbol="x", start="2024-01-02T00:30Z", end="2024-01-03", limit=3)
    assert both.frame["time"].dt.day.tolist() == [2, 2, 3] and both.first_index == 46
    tail = build_view(frame, symbol="x", start="2024-01-04T23:00Z", limit=3)
    assert tail.frame["time"].dt.hour.tolist() == [23, 0, 1] and tail.first_index == 95
    past = build_view(frame, symbol="x", start="2030-01-01", limit=3)
    assert past.frame.empty and past.first_index == 100


BROKER_BARS = [
    {"time": f"2024-01-01T{hour:02d}:00:00Z", "open": 1, "high": 2, "low": 0.5, "close": 1.5}
    for hour in range(10)
]


def api_settings(broker):
    return load_settings(data_source="api", data_api_base=broker.base_url)


def test_api_source_with_only_a_start_asks_for_the_first_bars_from_before_it(broker):
    broker.script("ohlcv", Answer(200, BROKER_BARS))
    view = get_ohlcv(
        "AAPL", emas=(2,), start="2024-01-01T04:00Z", limit=3, settings=api_settings(broker)
    )
    # 3 bars, plus 3 x 2 before start to warm the EMA up
    assert broker.requests[0].query == {
        "symbol": "AAPL",
        "timeframe": "1h",
        "limit": "9",
        "start": "2023-12-31T22:00:00Z",
    }
    assert view.frame["time"].dt.hour.tolist() == [4, 5, 6]
    assert not view.frame["ema_2"].isna().any()


def test_api_source_with_start_and_end_asks_for_the_last_bars_up_to_end(broker):
    broker.script("ohlcv", Answer(200, BROKER_BARS))
    settings = api_settings(broker)
    view = get_ohlcv(
        "AAPL", start="2024-01-01T02:00Z", end="2024-01-01T08:00Z", limit=3, settings=settings
    )
    # start is cut here: sent upstream it would cut the bars that warm the EMAs up
    assert broker.requests[0].query == {
        "symbol": "AAPL",
        "timeframe": "1h",
        "limit": "3",
        "end": "2024-01-01T08:00:00Z",
    }
    assert view.frame["time"].dt.hour.tolist() == [6, 7, 8]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"timeframe": "5m"}, TimeframeError, "finer than this data's native 1h"),
        ({"timeframe": "7m"}, TimeframeError, "Unknown timeframe '7m'"),
        ({"limit": 0}, ParameterError, "limit must be a whole number of 1 or more, got 0"),
        ({"start": "soon"}, ParameterError, "start 'soon' is not a date or time"),
        ({"start": "2024-01-03", "end": "2024-01-02"}, ParameterError, "start is after end"),
        ({"emas": [1]}, ParameterError, "EMA period 1 is out of range"),
    ],
)
def test_build_view_rejects(kwargs, error, message):
    with pytest.raises(error, match=message):
        build_view(synthetic_ohlcv(100, "1h"), symbol="x", **kwargs)


# -- files as symbols ---------------------------------------------------------------------------


def test_symbols_come_from_the_directory_and_csv_path(settings):
    infos = {info.symbol: info for info in list_symbols(settings)}
    assert sorted(infos) == ["BTCUSD", "eurusd_m1", "outside"]  # broken.csv left out, .txt ignored
    assert (infos["BTCUSD"].timeframe, infos["BTCUSD"].bars) == ("1h", 600)
    assert infos["eurusd_m1"].timeframe == "1m"
    assert infos["outside"].start == pd.Timestamp("2024-01-01", tz="UTC")


def test_lookup_is_case_insensitive_and_keeps_the_file_spelling(settings):
    view = get_ohlcv("btcusd", timeframe="1d", emas=(10,), settings=settings)
    assert view.symbol == "BTCUSD" and view.timeframe.name == "1d" and view.total_bars == 25


def test_unknown_symbol_suggests_close_matches(settings):
    with pytest.raises(
        SymbolNotFoundError, match=r"Unknown symbol 'BTCUSDT'\. Did you mean: BTCUSD\?"
    ) as err:
        get_ohlcv("BTCUSDT", settings=settings)
    assert err.value.suggestions == ["BTCUSD"]


@pytest.mark.parametrize("symbol", ["../data/BTCUSD", "/etc/passwd", "BTCUSD.csv", "notes"])
def test_no_path_is_built_from_the_symbol(settings, symbol):
    with pytest.raises(SymbolNotFoundError):
        get_ohlcv(symbol, settings=settings)


def test_broken_file_reports_its_problem(settings):
    with pytest.raises(
        DataError, match=r"broken\.csv: missing columns time, open, high, low, close"
    ):
        get_ohlcv("broken", settings=settings)


def test_changed_file_is_read_again(settings, data_dir):
    path = data_dir / "BTCUSD.csv"
    assert get_ohlcv("BTCUSD", settings=settings).total_bars == 600
    write_csv(path, synthetic_ohlcv(700, "1h", seed=1))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert get_ohlcv("BTCUSD", settings=settings).total_bars == 700


def test_a_rewrite_with_the_same_size_and_mtime_is_read_again(settings, data_dir):
    path = data_dir / "BTCUSD.csv"
    get_ohlcv("BTCUSD", settings=settings)
    before = path.stat()
    text = path.read_text()
    head, volume = text.rstrip("\n").rsplit(",", 1)
    changed = volume[:-1] + str((int(volume[-1]) + 1) % 10)  # one digit: same size
    path.write_text(f"{head},{changed}\n")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # a rewrite in the same tick
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert get_ohlcv("BTCUSD", settings=settings).frame["volume"].iloc[-1] == float(changed)


def test_a_view_carries_the_frame_its_source_gave(settings, data_dir):
    """What a cache of built answers keys on: the same object until the file changes."""
    view = get_ohlcv("btcusd", timeframe="4h", emas=(10,), limit=5, settings=settings)
    assert view.source_frame is get_data_source(settings).current_frame("BTCUSD")
    assert len(view.source_frame) == 600 and len(view.frame) == 5
    write_csv(data_dir / "BTCUSD.csv", synthetic_ohlcv(700, "1h", seed=1))
    assert get_ohlcv("BTCUSD", settings=settings).source_frame is not view.source_frame
    frame = synthetic_ohlcv(10, "1h")
    assert build_view(frame, symbol="x", limit=2).source_frame is frame


def test_current_frame_is_the_loaded_frame_only_while_its_file_is_unchanged(settings, data_dir):
    source = get_data_source(settings)
    assert source.current_frame("BTCUSD") is None  # not loaded yet: no parse here
    loaded = source.load("BTCUSD")
    assert source.current_frame("btcusd") is loaded
    path = data_dir / "BTCUSD.csv"
    write_csv(path, synthetic_ohlcv(700, "1h", seed=1))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert source.current_frame("BTCUSD") is None
    assert source.current_frame("no_such_symbol") is None
    assert source.current_frame("x" * 100_000) is None
    path.unlink()  # removed between the listing and the stat
    assert source.current_frame("BTCUSD") is None


def test_a_broken_file_is_parsed_and_logged_once_per_version(settings, data_dir, caplog):
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            assert "broken" not in {info.symbol for info in list_symbols(settings)}
        with pytest.raises(DataError, match=r"broken\.csv: missing columns"):
            get_ohlcv("broken", settings=settings)
    warnings = [r.getMessage() for r in caplog.records if "broken.csv" in r.getMessage()]
    assert warnings == [
        "broken.csv cannot be read (left out of the symbol list): broken.csv: missing columns "
        "time, open, high, low, close. Found columns: 'a', 'b'. Expected a time column (time, "
        "date, datetime or timestamp, an unnamed first column, or a pandas index saved with the "
        "data), or a date column plus a time-of-day column (Date,Time), open, high, low, close, "
        "and optionally volume; any case, surrounding spaces ignored, other columns ignored."
    ]
    write_csv(data_dir / "broken.csv", synthetic_ohlcv(20, "1h", seed=5))  # fixed: read again
    assert "broken" in {info.symbol for info in list_symbols(settings)}


def test_a_huge_unknown_symbol_is_shortened_in_the_message(settings):
    with pytest.raises(SymbolNotFoundError) as err:
        get_ohlcv("X" * 10_000, settings=settings)
    assert str(err.value) == f"Unknown symbol '{'X' * 39}…'."
    assert err.value.symbol == "X" * 10_000  # the full input stays available to code


def test_paging_reuses_the_prepared_history(settings, monkeypatch):
    calls = []
    real = service.add_lines
    monkeypatch.setattr(service, "add_lines", lambda f, p, s: calls.append(p) or real(f, p, s))
    service._view_cache.clear()
    last = get_ohlcv("eurusd_m1", timeframe="5m", emas=(10, 21), limit=100, settings=settings)
    previous_end = last.frame["time"].iloc[0] - pd.Timedelta("5min")
    before = get_ohlcv(
        "EURUSD_M1", timeframe="5m", emas=(10, 21), end=previous_end, limit=100, settings=settings
    )
    assert len(calls) == 1
    assert before.first_index == last.first_index - 100
    assert before.frame["time"].iloc[-1] + pd.Timedelta("5min") == last.frame["time"].iloc[0]


def test_one_source_per_settings_object(settings):
    assert get_data_source(settings) is get_data_source(settings)
    other = load_settings(data_dir=settings.data_dir)
    assert get_data_source(other) is not get_data_source(settings)


def test_missing_data_dir_gives_no_symbols(tmp_path):
    """Settings refuse a missing DATA_DIR at start; a folder removed later lists nothing."""
    folder = tmp_path / "gone"
    folder.mkdir()
    settings = load_settings(data_dir=folder, csv_path=tmp_path / "none.csv")
    folder.rmdir()
    assert list_symbols(settings) == []


def test_added_and_removed_files_show_in_the_listing(settings, data_dir):
    assert "ETHUSD" not in {info.symbol for info in list_symbols(settings)}
    write_csv(data_dir / "ETHUSD.csv", synthetic_ohlcv(30, "1h", seed=4))
    assert get_ohlcv("ethusd", settings=settings).total_bars == 30
    (data_dir / "ETHUSD.csv").unlink()
    with pytest.raises(SymbolNotFoundError):
        get_ohlcv("ethusd", settings=settings)
