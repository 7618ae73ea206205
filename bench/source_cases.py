"""The sources: a ``feed=`` request through a UDF stand-in against the same request straight
to it, and symbol search over 5,000 listed symbols, over real HTTP."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import orjson

from bench.context import BenchContext
from bench.http_cases import Client
from bench.measure import interleave, timed
from bench.servers import Server, free_port, python_server, uvicorn_args
from bench.table import Row
from bench.web_servers import server_env

BARS = 1_000  # the pyth source's bars when no window is asked for
SYMBOL = "Crypto.S0042/USD"
LISTED = 5_000
SEARCH_BUDGET = 0.020  # seconds: the "under 20 ms"


def stand_in(ctx: BenchContext) -> Server:
    def start():
        port = free_port()
        env = {"BENCH_UDF_BARS": str(ctx.data.small_parquet), "BENCH_UDF_SYMBOLS": str(LISTED)}
        args = uvicorn_args("bench.udf_stand_in:app", port)
        return python_server("udf-stand-in", args, port=port, env=env)

    return ctx.shared("udf_stand_in", start)


def sources_server(ctx: BenchContext, cache_ttl: int) -> Server:
    """Our app reading files and Pyth (the stand-in); CACHE_TTL 0 sends every request up."""
    upstream = stand_in(ctx)

    def start():
        port = free_port()
        env = {
            **server_env(ctx),
            "SOURCES": "files,pyth",
            "PYTH_URL": upstream.base_url,
            "CACHE_TTL": str(cache_ttl),
        }
        args = uvicorn_args("app.main_fastapi:app", port)
        return python_server(f"fastapi-sources-{cache_ttl}", args, port=port, env=env)

    return ctx.shared(f"sources_server_{cache_ttl}", start)


def _paths() -> tuple[str, str]:
    ours = {"symbol": SYMBOL, "feed": "pyth", "timeframe": "1h", "limit": BARS,
            "format": "columns", "emas": ""}  # fmt: skip
    to = int(time.time())
    direct = {"symbol": SYMBOL, "resolution": "60", "from": to - BARS * 3600, "to": to,
              "countback": BARS}  # fmt: skip
    return "/api/ohlcv?" + urlencode(ours), "/history?" + urlencode(direct)


def _same_bars(ours: bytes, direct: bytes) -> None:
    columns, udf = orjson.loads(ours)["columns"], orjson.loads(direct)
    if columns["time"] != udf["t"] or columns["close"] != udf["c"]:
        raise RuntimeError("feed=pyth and the stand-in answered different bars")
    if len(udf["t"]) != BARS:
        raise RuntimeError(f"expected {BARS} bars, got {len(udf['t'])}")


def _feed_vs_direct(ctx: BenchContext, case: str, target: float, cache_ttl: int) -> Row:
    ours = Client(sources_server(ctx, cache_ttl))
    direct = Client(stand_in(ctx))
    ours_path, direct_path = _paths()
    try:
        _same_bars(ours.get(ours_path), direct.get(direct_path))
        samples = interleave(
            timed(lambda: ours.get(ours_path)),
            timed(lambda: direct.get(direct_path)),
            repeats=ctx.sizes.latency_requests,
            warmup=10,
        )
    finally:
        ours.close()
        direct.close()
    note = "source cache warm" if cache_ttl else "CACHE_TTL=0: every request goes up"
    return Row(case, samples.ours_median, samples.floor_median, "s", target, note=note)


def feed_warm(ctx: BenchContext, case: str, target: float) -> Row:
    """As deployed: the source keeps an answer CACHE_TTL (60 s), as the exchange feeds do."""
    return _feed_vs_direct(ctx, case, target, 60)


def feed_uncached(ctx: BenchContext, case: str, target: float) -> Row:
    """Every request fetched from the stand-in, read, checked and answered again."""
    return _feed_vs_direct(ctx, case, target, 0)


def symbol_search(ctx: BenchContext, case: str, target: float) -> Row:
    """/api/symbols?q= over the files' and the stand-in's 5,000 symbols (the listing kept
    SYMBOLS_CACHE_S), against the 20 ms budget."""
    ours = Client(sources_server(ctx, 60))
    words = iter(f"s{i:04d}"[: 2 + i % 4] for i in range(10**6))
    try:
        found = orjson.loads(ours.get("/api/symbols?source=pyth"))
        if len(found) != LISTED:
            raise RuntimeError(f"expected {LISTED} listed symbols, got {len(found)}")
        samples = interleave(
            timed(lambda: ours.get("/api/symbols?limit=30&q=" + next(words))),
            lambda: SEARCH_BUDGET,
            repeats=ctx.sizes.latency_requests,
            warmup=5,
        )
    finally:
        ours.close()
    return Row(case, samples.ours_median, SEARCH_BUDGET, "s", target, note="floor: the budget")
