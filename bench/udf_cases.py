"""/udf/history against /api/ohlcv?format=columns for the same 5,000 bars, over real HTTP."""

from __future__ import annotations

import itertools
from urllib.parse import urlencode

import orjson

from bench.context import BenchContext
from bench.http_cases import Client
from bench.measure import interleave, timed
from bench.table import Row
from bench.web_servers import fastapi_server

BARS = 5_000
FAR = 2**31  # a `to` after every bar


def _paths(ctx: BenchContext, to: int) -> tuple[str, str]:
    symbol = ctx.data.small_symbol
    udf = {"symbol": symbol, "resolution": "60", "countback": BARS, "to": to}
    ohlcv = {"symbol": symbol, "timeframe": "1h", "limit": BARS, "format": "columns", "emas": "",
             "end": to - 1}  # fmt: skip
    return "/udf/history?" + urlencode(udf), "/api/ohlcv?" + urlencode(ohlcv)


def _same_bars(udf: bytes, ohlcv: bytes) -> None:
    ours, theirs = orjson.loads(udf), orjson.loads(ohlcv)["columns"]
    if ours["s"] != "ok" or ours["t"] != theirs["time"] or ours["c"] != theirs["close"]:
        raise RuntimeError("/udf/history and /api/ohlcv answered different bars")
    if len(ours["t"]) != BARS:
        raise RuntimeError(f"expected {BARS} bars, got {len(ours['t'])}")


def udf_history_warm(ctx: BenchContext, case: str, target: float) -> Row:
    """The same request repeated (both routes answer from their cache of built answers)."""
    client = Client(fastapi_server(ctx))
    udf, ohlcv = _paths(ctx, FAR)
    try:
        _same_bars(client.get(udf), client.get(ohlcv))
        samples = interleave(
            timed(lambda: client.get(udf)),
            timed(lambda: client.get(ohlcv)),
            repeats=ctx.sizes.latency_requests,
            warmup=10,
        )
    finally:
        client.close()
    return Row(case, samples.ours_median, samples.floor_median, "s", target, note="warm")


def udf_history_new_to(ctx: BenchContext, case: str, target: float) -> Row:
    """A new `to` each request, as the Charting Library sends (its `to` is now): no answer is
    reused, each is cut from the prepared history and serialised."""
    client = Client(fastapi_server(ctx))
    counter = itertools.count(FAR)
    try:
        _same_bars(*(client.get(p) for p in _paths(ctx, FAR - 1)))
        samples = interleave(
            timed(lambda: client.get(_paths(ctx, next(counter))[0])),
            timed(lambda: client.get(_paths(ctx, next(counter))[1])),
            repeats=ctx.sizes.latency_requests,
            warmup=10,
        )
    finally:
        client.close()
    return Row(case, samples.ours_median, samples.floor_median, "s", target, note="uncached")
