"""Catalog indicators against TA-Lib called directly, and /api/ohlcv with and without them."""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import pandas as pd
import talib

from bench.context import BenchContext
from bench.http_cases import Client, _check_bar_count
from bench.measure import interleave, timed
from bench.table import Row
from bench.web_servers import fastapi_server

API_INDICATORS = "rsi:14,macd:12:26:9,bb:20:2,stoch:14:3:3,obv"  # 5 indicators, 10 columns
API_BARS = 5000


def _big_frame(ctx: BenchContext) -> pd.DataFrame:
    from app.core import read_ohlcv_file

    return ctx.shared("big_frame", lambda: read_ohlcv_file(ctx.data.big_parquet))


def _talib_floor(frame: pd.DataFrame):
    """Every catalog indicator at its defaults from TA-Lib itself, on arrays taken out of the
    frame beforehand (MACD as the catalog defines it: three TA-Lib EMAs; VWAP: TA-Lib's VWAP
    over the whole arrays, one pass as ours is, though ours restarts every UTC day)."""
    h, lo, c, v = (
        np.ascontiguousarray(frame[name].to_numpy(dtype=np.float64))
        for name in ("high", "low", "close", "volume")
    )

    def floor() -> list:
        line = talib.EMA(c, 12) - talib.EMA(c, 26)
        return [  # kept, as the catalog keeps its columns
            talib.SMA(c, 20),
            talib.EMA(c, 20),
            talib.WMA(c, 20),
            talib.BBANDS(c, 20, 2.0, 2.0, 0),
            talib.VWAP(h, lo, c, v),
            talib.SAR(h, lo, 0.02, 0.2),
            talib.RSI(c, 14),
            line,
            talib.EMA(line, 9),
            talib.STOCH(h, lo, c, 14, 3, 0, 3, 0),
            talib.ATR(h, lo, c, 14),
            talib.ADX(h, lo, c, 14),
            talib.MFI(h, lo, c, v, 14),
            talib.OBV(c, v),
            talib.CCI(h, lo, c, 20),
            talib.WILLR(h, lo, c, 14),
        ]

    return floor


def catalog_vs_talib(ctx: BenchContext, case: str, target: float) -> Row:
    from app.core import CATALOG, IndicatorSpec, add_indicators

    frame = _big_frame(ctx)
    specs = [IndicatorSpec(name) for name in CATALOG]
    samples = interleave(
        timed(lambda: add_indicators(frame, specs)),
        timed(_talib_floor(frame)),
        repeats=ctx.sizes.core_repeats,
    )
    note = f"{len(specs)} indicators, {sum(len(s.columns) for s in specs)} columns, into a frame"
    return Row(case, samples.ours_median, samples.floor_median, "s", target, note=note)


def _path(ctx: BenchContext, indicators: str, end: int | None = None) -> str:
    query = {"symbol": ctx.data.small_symbol, "emas": "", "limit": API_BARS}
    if indicators:
        query["indicators"] = indicators
    if end is not None:
        query["end"] = end
    return "/api/ohlcv?" + urlencode(query)


def api_with_indicators_warm(ctx: BenchContext, case: str, target: float) -> Row:
    """A repeated request (answers cached): what a polling client or a reload costs."""
    client = Client(fastapi_server(ctx))
    with_path, without_path = _path(ctx, API_INDICATORS), _path(ctx, "")
    try:
        _check_bar_count(client.get(with_path), API_BARS)
        samples = interleave(
            timed(lambda: client.get(with_path)),
            timed(lambda: client.get(without_path)),
            repeats=ctx.sizes.latency_requests,
            warmup=10,
        )
    finally:
        client.close()
    return Row(case, samples.ours_median, samples.floor_median, "s", target, note="records")


def api_with_indicators_uncached(ctx: BenchContext, case: str, target: float) -> Row:
    """Each request a new answer (a new ``end`` each time, past the newest bar so all 5,000 bars
    come back): the window is cut from the prepared history and serialised again."""
    client = Client(fastapi_server(ctx))
    counter = iter(range(10**9))
    far = 4_000_000_000  # seconds: after every bar

    def get(indicators: str) -> bytes:
        return client.get(_path(ctx, indicators, end=far + next(counter)))

    try:
        _check_bar_count(get(API_INDICATORS), API_BARS)
        samples = interleave(
            timed(lambda: get(API_INDICATORS)),
            timed(lambda: get("")),
            repeats=ctx.sizes.latency_requests // 2,
            warmup=5,
        )
    finally:
        client.close()
    note = "records; answer cache missed on purpose, 10 more columns per bar"
    return Row(case, samples.ours_median, samples.floor_median, "s", target, note=note)
