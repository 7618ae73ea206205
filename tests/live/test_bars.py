"""Live bars and indicators equal the batch ones: aggregation, EMAs, tailing a CSV."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import talib

from app.core import add_emas
from app.core.csv_reader import read_csv
from app.core.synthetic import synthetic_ohlcv
from app.core.timeframes import TIMEFRAMES, resample_ohlcv
from app.core.validation import frame_of as checked_frame
from app.live.bars import FIELDS, BarBook, OlderBarError, TimeframeBook
from app.live.indicators import LiveIndicators
from app.live.tail import CsvTail, ReloadNeeded


def frame_of(book: BarBook) -> pd.DataFrame:
    return book.frame()


def test_bars_replace_the_forming_one_or_append() -> None:
    history = synthetic_ohlcv(50, "1m")
    book = BarBook.from_frame(history.iloc[:40])
    assert book.apply(history.iloc[38:41]) == 40  # 38, 39 unchanged; 40 appended
    changed = history.iloc[40:41].copy()
    changed["close"] = changed["high"]
    assert book.apply(changed) == 40  # the forming bar rewritten in place
    assert len(book) == 41 and book.columns["close"][40] == changed["close"].iloc[0]
    older = history.iloc[10:11].copy()
    older["volume"] += 1
    with pytest.raises(OlderBarError):
        book.apply(older)


@pytest.mark.parametrize("timeframe", ["5m", "1h", "2h", "8h", "12h", "1d", "3d", "1w"])
def test_coarser_bars_built_live_equal_the_batch_resample(timeframe: str) -> None:
    history = synthetic_ohlcv(12_000, "1m")
    book = BarBook.from_frame(history.iloc[:9_000])
    coarse = TimeframeBook(book, TIMEFRAMES[timeframe])
    for start in range(9_000, 12_000, 373):  # uneven chunks: bins close mid-chunk
        row = book.apply(history.iloc[start : start + 373])
        coarse.rebuild_from(book, row)
    expected = resample_ohlcv(history, TIMEFRAMES[timeframe])
    pd.testing.assert_frame_equal(coarse.frame(), expected)


def test_emas_carried_forward_equal_talib_batch_bit_for_bit() -> None:
    history = synthetic_ohlcv(400, "1m")
    book = BarBook.from_frame(history.iloc[:5])  # shorter than the periods: warm-up path too
    live = LiveIndicators((10, 21, 100))
    live.rebuild(book)
    got: dict[str, np.ndarray] = {}
    for i in range(5, 400):
        bar = history.iloc[i : i + 1].copy()
        for step in (0.5, 1.0):  # the forming bar changes, then settles
            partial = bar.copy()
            partial["close"] = bar["open"] + (bar["close"] - bar["open"]) * step
            row = book.apply(partial)
            if row is not None:
                values = live.update(book, row)
        got = {name: values[name] for name in values}
        if i in (20, 150, 399):
            expected = add_emas(history.iloc[: i + 1], (10, 21, 100))
            for name in ("ema_10", "ema_21", "ema_100"):
                np.testing.assert_array_equal(got[name][-1:], expected[name].to_numpy()[-1:])
    closes = history["close"].to_numpy()
    np.testing.assert_array_equal(live._emas[21][: len(book)], talib.EMA(closes, timeperiod=21))


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    out = frame.copy()
    out["time"] = out["time"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    out.to_csv(path, index=False)


def test_the_tail_reads_only_the_new_rows(tmp_path: Path) -> None:
    history = synthetic_ohlcv(50_000, "1m")
    path = tmp_path / "big.csv"
    write_csv(path, history.iloc[:49_990])
    size = path.stat().st_size
    tail = CsvTail.open(path, size)
    assert size - tail.offset < 100  # positioned on the last line, not the start
    write_csv(tmp_path / "new.csv", history.iloc[49_990:])
    new_rows = (tmp_path / "new.csv").read_bytes().split(b"\n", 1)[1]
    with open(path, "ab") as handle:
        handle.write(new_rows[:-30])  # the last row half written
    frame = checked_frame(tail.read_new())
    assert len(frame) == 10  # the last old row again, then 9 complete new ones
    expected = read_csv(path.read_bytes()[: size] + new_rows[: new_rows.rfind(b"\n", 0, -30) + 1],
                        "x").iloc[-10:].reset_index(drop=True)  # fmt: skip
    pd.testing.assert_frame_equal(frame[list(expected.columns)], expected)
    with open(path, "ab") as handle:
        handle.write(new_rows[-30:])
    assert checked_frame(tail.read_new())["time"].iloc[-1] == history["time"].iloc[-1]
    path.write_text(path.read_text()[:1000])  # truncated: the tail cannot follow
    with pytest.raises(ReloadNeeded):
        tail.read_new()


def test_fields_are_the_canonical_price_columns() -> None:
    assert FIELDS == ("open", "high", "low", "close", "volume")
