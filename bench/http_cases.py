"""/api/ohlcv over real HTTP on 127.0.0.1 against the hello-world route and in-process orjson."""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlencode, urlsplit

import numpy as np
import orjson
import pandas as pd
import talib

from bench.context import EMA_PERIODS, BenchContext
from bench.load_generator import generator_name, requests_per_second
from bench.measure import interleave, timed
from bench.servers import Server
from bench.table import Row
from bench.web_servers import fastapi_server, hello_server

EMAS = ",".join(str(period) for period in EMA_PERIODS)


def ohlcv_path(symbol: str, timeframe: str, limit: int, *, columns: bool = False) -> str:
    query = {"symbol": symbol, "timeframe": timeframe, "emas": EMAS, "limit": limit}
    if columns:
        query["format"] = "columns"
    return "/api/ohlcv?" + urlencode(query)


class Client:
    """One keep-alive connection, as a single warm client has; http.client keeps our own
    overhead per request far below the server's."""

    def __init__(self, server: Server) -> None:
        parts = urlsplit(server.base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)

    def get(self, path: str) -> bytes:
        self.connection.request("GET", path)
        response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}: {body[:300]!r}")
        return body

    def close(self) -> None:
        self.connection.close()


def api_small_latency(ctx: BenchContext, case: str, target: float) -> Row:
    ours, hello = Client(fastapi_server(ctx)), Client(hello_server(ctx))
    path = ohlcv_path(ctx.data.small_symbol, "1h", ctx.sizes.api_small_bars)
    try:
        _check_bar_count(ours.get(path), ctx.sizes.api_small_bars)
        samples = interleave(
            timed(lambda: ours.get(path)),
            timed(lambda: hello.get("/hello")),
            repeats=ctx.sizes.latency_requests,
            warmup=10,
        )
    finally:
        ours.close()
        hello.close()
    return Row(case, samples.ours_median, samples.floor_median, "s", target)


def api_large_vs_orjson(ctx: BenchContext, case: str, target: float) -> Row:
    bars = ctx.sizes.api_large_bars
    ours = Client(fastapi_server(ctx))
    path = ohlcv_path(ctx.data.big_symbol, "1m", bars, columns=True)
    arrays = _same_arrays(ctx, bars)
    try:
        _check_bar_count(ours.get(path), bars)
        samples = interleave(
            timed(lambda: ours.get(path)),
            timed(lambda: orjson.dumps(arrays, option=orjson.OPT_SERIALIZE_NUMPY)),
            repeats=ctx.sizes.large_repeats,
        )
    finally:
        ours.close()
    return Row(case, samples.ours_median, samples.floor_median, "s", target, note="format=columns")


def requests_per_second_small(ctx: BenchContext, case: str, target: float) -> Row:
    ours, hello = fastapi_server(ctx), hello_server(ctx)
    path = ohlcv_path(ctx.data.small_symbol, "1h", ctx.sizes.api_small_bars)
    Client(ours).get(path)  # warm the cache
    seconds = ctx.sizes.load_seconds
    ours_rates, hello_rates = [], []
    for round_number in range(ctx.sizes.load_rounds):
        runs = [(ours.base_url + path, ours_rates), (hello.base_url + "/hello", hello_rates)]
        if round_number % 2:
            runs.reverse()
        for url, sink in runs:
            sink.append(requests_per_second(url, connections=32, seconds=seconds))
            time.sleep(0.5)
    return Row(
        case,
        float(np.median(ours_rates)),
        float(np.median(hello_rates)),
        "req/s",
        target,
        higher_is_better=True,
        note=f"{generator_name()}, 32 connections, {seconds:g} s x {ctx.sizes.load_rounds}"
        + ("" if generator_name() == "wrk" else "; httpx is the bottleneck: apt-get install wrk"),
    )


def peak_rss_after_big_symbol(ctx: BenchContext, case: str, target: float | None) -> Row:
    ours, hello = fastapi_server(ctx), hello_server(ctx)
    client = Client(ours)
    try:
        client.get(ohlcv_path(ctx.data.big_symbol, "1m", ctx.sizes.api_large_bars, columns=True))
        client.get(ohlcv_path(ctx.data.big_symbol, "1h", 5000))
        client.get("/chart?" + urlencode({"symbol": ctx.data.big_symbol}))
    finally:
        client.close()
    return Row(
        case, ours.peak_rss_mib(), hello.peak_rss_mib(), "MiB", target, note="floor: hello-world"
    )


def _same_arrays(ctx: BenchContext, bars: int) -> dict[str, np.ndarray]:
    """The arrays /api/ohlcv sends, made without our code: time in seconds, OHLCV, 4 TA-Lib EMAs."""
    frame = pd.read_parquet(ctx.data.big_parquet)
    closes = frame["close"].to_numpy(dtype="float64")
    arrays = {
        "time": frame["time"].dt.as_unit("s").astype("int64").to_numpy()[-bars:],
        **{name: frame[name].to_numpy(dtype="float64")[-bars:] for name in frame.columns[1:]},
    }
    for period in EMA_PERIODS:
        arrays[f"ema_{period}"] = talib.EMA(closes, timeperiod=period)[-bars:]
    return arrays


def _check_bar_count(body: bytes, expected: int) -> None:
    """Refuse to time a response that does not hold the bars asked for."""
    payload = orjson.loads(body)
    count = _count_bars(payload)
    if count != expected:
        raise RuntimeError(f"expected {expected} bars in the answer, found {count}")


def _count_bars(payload: object) -> int | None:
    if isinstance(payload, list):
        return len(payload)
    if isinstance(payload, dict):
        if isinstance(payload.get("time"), list):
            return len(payload["time"])
        for key in ("columns", "bars", "data", "candles"):
            if isinstance(payload.get(key), list | dict):
                return _count_bars(payload[key])
    return None
