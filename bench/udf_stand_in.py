"""A fast UDF server standing in for Pyth Benchmarks in the sources benchmarks: ``/history``
of the 5,000-bar bench symbol (moved so its newest bar is the current hour) under any of
``BENCH_UDF_SYMBOLS`` names (``Crypto.S0000/USD`` ...), which ``/search`` lists."""

from __future__ import annotations

import os
import time

import numpy as np
import orjson
import pandas as pd
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

HOUR = 3600
COUNT = int(os.environ.get("BENCH_UDF_SYMBOLS", "5000"))
NAMES = [f"Crypto.S{i:04d}/USD" for i in range(COUNT)]
KNOWN = set(NAMES)


def _bars() -> dict[str, np.ndarray]:
    frame = pd.read_parquet(os.environ["BENCH_UDF_BARS"])
    times = frame["time"].dt.as_unit("s").astype("int64").to_numpy()
    times = times + (int(time.time()) // HOUR * HOUR - int(times[-1]))
    columns = {"t": times}
    for key, name in zip("ohlcv", ("open", "high", "low", "close", "volume"), strict=True):
        columns[key] = frame[name].to_numpy(dtype=np.float64)
    return columns


BARS = _bars()


def _json(value: object) -> Response:
    return Response(
        orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY), media_type="application/json"
    )


async def history(request: Request) -> Response:
    query = request.query_params
    if query.get("symbol") not in KNOWN:
        return _json({"s": "error", "errmsg": "Unknown symbol"})
    times = BARS["t"]
    hi = int(np.searchsorted(times, int(query.get("to", 0)), "right"))
    lo = int(np.searchsorted(times, int(query.get("from", 0)), "left"))
    if "countback" in query:
        lo = min(lo, max(hi - int(query["countback"]), 0))
    if hi <= lo:
        return _json({"s": "no_data"})
    return _json({"s": "ok", **{key: values[lo:hi] for key, values in BARS.items()}})


async def search(request: Request) -> Response:
    words = request.query_params.get("query", "").lower()
    found = [name for name in NAMES if words in name.lower()]
    item = {"description": "", "exchange": "", "type": "crypto"}
    return _json([{**item, "symbol": n, "full_name": n, "ticker": n} for n in found])


async def health(request: Request) -> Response:
    return _json({"status": "ok"})


app = Starlette(
    routes=[Route("/history", history), Route("/search", search), Route("/health", health)]
)
