"""/udf/history against /api/ohlcv?format=columns for the same 5,000 bars, over real HTTP."""

from __future__ import annotations

import itertools
from pathlib import Path
from urllib.parse import urlencode

import orjson

from bench.context import BenchContext
from bench.http_cases import Client
from bench.measure import interleave, timed
from bench.servers import free_port, python_server, uvicorn_args
from bench.table import Row
from bench.web_servers import fastapi_server

BARS = 5_000
FAR = 2**31  # a `to` after every bar


def _paths(ctx: BenchContext, to: int) -> tuple[str, str]:
    symbol = ctx.data.small_symbol
    udf = {"symbol": symbol, "resolution": "60", "countback": BARS, "to": to}
    ohlcv = {"symbol": symbol, "timeframe": "1h", "limit": BARS, "format": "columns", "emas": "",
             "end": to}  # fmt: skip
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


SEARCH_SYMBOLS = 5_000
SEARCH_TARGET_MS = 20.0


def _many_symbols(ctx: BenchContext) -> Path:
    """A DATA_DIR of 5,000 symbols in folders of timeframes (50 groups of 100), 3 bars each."""
    root = ctx.data.root / f"tree-{SEARCH_SYMBOLS}"
    done = root / ".complete"
    if not done.exists():
        rows = "time,open,high,low,close,volume\n" + "".join(
            f"2024-01-0{day}T00:00:00Z,1.5,2.25,1.25,2.0,10\n" for day in (1, 2, 3)
        )
        for number in range(SEARCH_SYMBOLS):
            folder = root / f"G{number // 100:02d}" / f"SYM{number:04d}" / "1d"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "bars.csv").write_text(rows)
        done.write_text("ok")
    return root


def udf_search_many(ctx: BenchContext, case: str, target: float) -> Row:
    """/udf/search over 5,000 listed symbols against /api/symbols?q= (the registry's search)
    for the same query, warm; the note holds the absolute median against the 20 ms target."""
    data_dir = _many_symbols(ctx)

    def start():
        port = free_port()
        env = {"DATA_SOURCE": "csv", "DATA_DIR": str(data_dir), "DEFAULT_SYMBOL": "SYM0000",
               "CSV_PATH": str(data_dir / "none.csv")}  # fmt: skip
        return python_server("fastapi-5k", uvicorn_args("app.main_fastapi:app", port),
                             port=port, env=env)  # fmt: skip

    client = Client(ctx.shared("fastapi_5k_symbols", start))
    udf = "/udf/search?" + urlencode({"query": "sym12", "limit": 30})
    symbols = "/api/symbols?" + urlencode({"q": "sym12", "limit": 30})
    try:
        found = orjson.loads(client.get(udf))
        if len(found) != 30 or not found[0]["symbol"].startswith("SYM12"):
            raise RuntimeError(f"/udf/search found {len(found)} symbols: {found[:2]}")
        samples = interleave(
            timed(lambda: client.get(udf)),
            timed(lambda: client.get(symbols)),
            repeats=ctx.sizes.latency_requests,
            warmup=5,
        )
    finally:
        client.close()
    ms = samples.ours_median * 1000
    verdict = "under" if ms < SEARCH_TARGET_MS else "OVER"
    return Row(
        case,
        samples.ours_median,
        samples.floor_median,
        "s",
        target,
        note=f"{ms:.1f} ms, {verdict} the {SEARCH_TARGET_MS:g} ms target",
    )
