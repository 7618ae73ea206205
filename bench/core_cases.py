"""Core hot paths against the bare library call they are built on."""

from __future__ import annotations

import pandas as pd
import talib

from bench.context import EMA_PERIODS, BenchContext
from bench.measure import interleave, timed
from bench.table import Row


def _big_frame(ctx: BenchContext) -> pd.DataFrame:
    from app.core import read_ohlcv_file

    return ctx.shared("big_frame", lambda: read_ohlcv_file(ctx.data.big_parquet))


def load_csv(ctx: BenchContext, case: str, target: float) -> Row:
    from app.core import read_ohlcv_file

    path = ctx.data.big_csv
    samples = interleave(
        timed(lambda: read_ohlcv_file(path)),
        timed(lambda: pd.read_csv(path, engine="pyarrow")),
        repeats=ctx.sizes.core_repeats,
    )
    return Row(case, samples.ours_median, samples.floor_median, "s", target)


def load_parquet(ctx: BenchContext, case: str, target: float) -> Row:
    from app.core import read_ohlcv_file

    path = ctx.data.big_parquet
    samples = interleave(
        timed(lambda: read_ohlcv_file(path)),
        timed(lambda: pd.read_parquet(path)),
        repeats=ctx.sizes.core_repeats,
    )
    return Row(case, samples.ours_median, samples.floor_median, "s", target)


def four_emas(ctx: BenchContext, case: str, target: float) -> Row:
    from app.core import add_emas

    frame = _big_frame(ctx)
    closes = frame["close"].to_numpy()

    def floor() -> list:
        # The four results are kept, as four EMAs are: dropping each at once would let the
        # allocator hand the next call the same, already-mapped memory, a saving no caller
        # that needs four EMAs can have (9 ms against 14 ms at 1M rows).
        return [talib.EMA(closes, timeperiod=period) for period in EMA_PERIODS]

    samples = interleave(
        timed(lambda: add_emas(frame, EMA_PERIODS)), timed(floor), repeats=ctx.sizes.core_repeats
    )
    return Row(case, samples.ours_median, samples.floor_median, "s", target)


def resample_to_1h(ctx: BenchContext, case: str, target: float) -> Row:
    from app.core import parse_timeframe, resample_ohlcv

    frame = _big_frame(ctx)
    hourly = parse_timeframe("1h")
    rules = {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}
    samples = interleave(
        timed(lambda: resample_ohlcv(frame, hourly)),
        timed(lambda: frame.resample("1h", on="time").agg(rules)),
        repeats=ctx.sizes.core_repeats,
    )
    return Row(case, samples.ours_median, samples.floor_median, "s", target)
