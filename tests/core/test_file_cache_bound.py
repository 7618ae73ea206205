"""Parsed files are kept in memory up to a bar budget (a folder of many large files must not stay
in memory whole), and listing symbols still names every file without re-reading the ones let go."""

from __future__ import annotations

import os
import time
from pathlib import Path

from app.core.sources.files import FileSource


def write_bars(path: Path, bars: int, price: float) -> None:
    rows = "".join(
        f"{1_700_000_000 + 3600 * i},{price},{price + 1},{price - 1},{price},10\n"
        for i in range(bars)
    )
    path.write_text("time,open,high,low,close,volume\n" + rows)
    old = time.time() - 60  # settled: not "written a moment ago"
    os.utime(path, (old, old))


def test_frames_kept_within_the_bar_budget_and_every_symbol_still_listed(tmp_path: Path) -> None:
    for number in range(4):
        write_bars(tmp_path / f"s{number}.csv", 1_000, 100.0 + number)
    source = FileSource(tmp_path)
    source.cached_bars = 2_500  # room for two 1,000-bar files

    for number in range(4):
        assert len(source.load(f"s{number}")) == 1_000

    kept = [n for n in range(4) if source.current_frame(f"s{n}") is not None]
    assert kept == [2, 3]  # the two used last; the others were let go
    assert [info.symbol for info in source.list_symbols()] == ["s0", "s1", "s2", "s3"]
    # Listing did not bring the evicted frames back (it used the infos kept per file version).
    assert source.current_frame("s0") is None
    # A symbol let go is read again, whole and right, when asked for.
    assert source.load("s0")["close"].iloc[-1] == 100.0
    assert source.current_frame("s0") is not None


def test_the_newest_frame_stays_even_when_alone_over_the_budget(tmp_path: Path) -> None:
    write_bars(tmp_path / "big.csv", 3_000, 50.0)
    source = FileSource(tmp_path)
    source.cached_bars = 1_000
    assert len(source.load("big")) == 3_000
    assert source.current_frame("big") is not None  # a warm path for the file in use
