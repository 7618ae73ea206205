"""Access control's price: req/s of /api/ohlcv with API_TOKENS and RATE_LIMIT on (a rate no run
reaches, so every request is checked and counted, none refused) against the same app with
both off, each its own uvicorn process started the same way, measured in alternation."""

from __future__ import annotations

import time

import numpy as np

from bench.context import BenchContext
from bench.http_cases import Client, ohlcv_path
from bench.load_generator import generator_name, requests_per_second
from bench.servers import Server, free_port, python_server, uvicorn_args
from bench.table import Row
from bench.web_servers import fastapi_server, server_env

TOKEN = "bench-token-0123456789abcdef"
RATE = "100000000/minute"


def guarded_server(ctx: BenchContext) -> Server:
    def start():
        port = free_port()
        env = {**server_env(ctx), "API_TOKENS": f"other-token-0123456789,{TOKEN}"}
        env["RATE_LIMIT"] = RATE
        args = uvicorn_args("app.main_fastapi:app", port)
        return python_server("fastapi-guarded", args, port=port, env=env)

    return ctx.shared("fastapi_guarded_server", start)


class _AuthClient(Client):
    def get(self, path: str) -> bytes:
        self.connection.request("GET", path, headers={"Authorization": f"Bearer {TOKEN}"})
        response = self.connection.getresponse()
        body = response.read()
        if response.status != 200 or response.getheader("RateLimit-Limit") is None:
            raise RuntimeError(f"GET {path} answered {response.status} without RateLimit-*")
        return body


def requests_per_second_guarded(ctx: BenchContext, case: str, target: float) -> Row:
    guarded, plain = guarded_server(ctx), fastapi_server(ctx)
    path = ohlcv_path(ctx.data.small_symbol, "1h", ctx.sizes.api_small_bars)
    checker = _AuthClient(guarded)
    try:
        checker.get(path)  # warm, and proves the token and the limiter are in the path
    finally:
        checker.close()
    Client(plain).get(path)
    seconds = ctx.sizes.load_seconds
    auth = {"Authorization": f"Bearer {TOKEN}"}
    guarded_rates, plain_rates = [], []
    for round_number in range(ctx.sizes.load_rounds):
        runs = [(guarded, auth, guarded_rates), (plain, {}, plain_rates)]
        if round_number % 2:
            runs.reverse()
        for server, headers, sink in runs:
            url = server.base_url + path
            sink.append(requests_per_second(url, connections=32, seconds=seconds, headers=headers))
            time.sleep(0.5)
    return Row(
        case,
        float(np.median(guarded_rates)),
        float(np.median(plain_rates)),
        "req/s",
        target,
        higher_is_better=True,
        note=f"floor: tokens and limit off; {generator_name()}, 32 connections, "
        f"{seconds:g} s x {ctx.sizes.load_rounds}",
    )
