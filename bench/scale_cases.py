"""Scaling out (#23): uvicorn workers against the hello-world floor, the live fan-out across two
replicas through Redis against one process, and the broker polled once per interval whatever the
replica count. Each row runs once or twice: the machine is shared, so the load average is noted."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import numpy as np

from bench import live_publish
from bench.context import BenchContext
from bench.http_cases import Client, ohlcv_path
from bench.live_cases import Phase, raise_file_limit, run_phase
from bench.load_generator import generator_name, requests_per_second
from bench.servers import Server, free_port, python_server, uvicorn_args
from bench.table import Row
from bench.web_servers import hello_server, server_env

REDIS_SERVER = "/usr/bin/redis-server"


def load_average() -> str:
    return f"load average {os.getloadavg()[0]:.1f}"


@contextmanager
def redis_server() -> Iterator[str]:
    """A private redis-server on a free port, without persistence."""
    port = free_port()
    args = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    process = subprocess.Popen([*args, "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while (
            subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True
            ).stdout.strip()
            != "PONG"
        ):
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not answer")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.kill()
        process.wait()


# -- requests per second with 1, 2, 4 workers -----------------------------------------------------


def workers_case(workers: int):
    def run(ctx: BenchContext, case: str, target: float | None) -> Row:
        hello = hello_server(ctx)
        port = free_port()
        args = [*uvicorn_args("app.main_fastapi:app", port), "--workers", str(workers)]
        path = ohlcv_path(ctx.data.small_symbol, "1h", ctx.sizes.api_small_bars)
        seconds = ctx.sizes.load_seconds
        with python_server(f"fastapi-w{workers}", args, port=port, env=server_env(ctx)) as ours:
            for _ in range(8 * workers):  # each worker loads the symbol once
                warm = Client(ours)
                warm.get(path)
                warm.close()
            ours_rate = requests_per_second(ours.base_url + path, connections=32, seconds=seconds)
            time.sleep(0.5)
            hello_rate = requests_per_second(
                hello.base_url + "/hello", connections=32, seconds=seconds
            )
        return Row(
            case,
            ours_rate,
            hello_rate,
            "req/s",
            target,
            higher_is_better=True,
            note=f"{generator_name()}, 32 connections, {seconds:g} s, once; the floor one "
            f"worker; 2 cores shared; {load_average()}",
        )

    return run


# -- live fan-out: two replicas through Redis vs one process -------------------------------------


def _live_env(data: Path, clients: int) -> dict[str, str]:
    return {
        "DATA_SOURCE": "csv",
        "DATA_DIR": str(data),
        "DEFAULT_SYMBOL": "LIVE0",
        "LIVE_MAX_CLIENTS": str(clients + 100),
    }


def _live_args(port: int) -> list[str]:
    return [*uvicorn_args("app.main_fastapi:app", port), "--backlog", "8192"]


def fanout_two_replicas(ctx: BenchContext, name: str, target: float | None) -> Row:
    raise_file_limit()
    quick = ctx.sizes.load_seconds < 5
    clients, seconds, rate = (100, 3.0, 10.0) if quick else (1000, 8.0, 10.0)
    results: dict[str, list[Phase]] = {"replicas": [], "one": []}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        folder = Path(tmp)
        data = folder / "data"
        data.mkdir()
        names = live_publish.symbol_files(data, 1)
        url = stack.enter_context(redis_server())
        replicas: list[Server] = []
        for _ in range(2):
            port = free_port()
            env = {**_live_env(data, clients), "REDIS_URL": url}
            replicas.append(
                stack.enter_context(
                    python_server("live-replica", _live_args(port), port=port, env=env)
                )
            )
        port = free_port()
        one = stack.enter_context(
            python_server("live-one", _live_args(port), port=port, env=_live_env(data, clients))
        )
        for _ in range(1 if quick else 2):
            for mode, servers in (("replicas", replicas), ("one", [one])):
                phase = run_phase("ours", servers, names, clients, 2, seconds, rate, folder)
                results[mode].append(phase)
                print(f"  {mode}: {phase}", file=sys.stderr)
    ours = float(np.median([p.p99 for p in results["replicas"]]))
    floor = float(np.median([p.p99 for p in results["one"]]))
    r, o = results["replicas"][-1], results["one"][-1]
    note = (
        f"{clients:,} clients (half on each replica, their bars from the lease holder through "
        f"Redis) vs all on one process; 1 symbol, {rate:g} bars/s appended; p50 "
        f"{np.median([p.p50 for p in results['replicas']]) * 1000:.0f} vs "
        f"{np.median([p.p50 for p in results['one']]) * 1000:.0f} ms; delivered "
        f"{r.delivered:.1%} vs {o.delivered:.1%}; p99 of each round "
        f"{'/'.join(f'{p.p99 * 1000:.0f}' for p in results['replicas'])} vs "
        f"{'/'.join(f'{p.p99 * 1000:.0f}' for p in results['one'])} ms; {load_average()}"
    )
    return Row(name, ours, floor, "s", target, note=note)


# -- broker polls per interval: 4 replicas vs 1 --------------------------------------------------


POLL_S = 1.0


def _polls_per_interval(broker, url: str | None, replicas: int, watch_s: float) -> float:
    """Broker polls per LIVE_POLL_S while ``replicas`` replicas each serve a live client."""
    from websockets.sync.client import connect

    env = {
        "DATA_SOURCE": "api",
        "DATA_API_BASE": broker.base_url,
        "LIVE_POLL_S": str(POLL_S),
        "DEFAULT_SYMBOL": "EURUSD",
        "CACHE_TTL": "60",
    }
    if url is not None:
        env["REDIS_URL"] = url
    with ExitStack() as stack:
        servers = []
        for i in range(replicas):
            port = free_port()
            args = uvicorn_args("app.main_fastapi:app", port)
            servers.append(
                stack.enter_context(python_server(f"poll-{i}", args, port=port, env=env))
            )
        for server in servers:
            ws = stack.enter_context(connect(server.base_url.replace("http", "ws") + "/ws"))
            ws.send('{"type": "subscribe", "symbol": "EURUSD", "timeframe": "1m", "limit": 5}')
            if '"snapshot"' not in ws.recv(timeout=60):
                raise RuntimeError("no snapshot")
            stack.callback(_drain, ws)
        time.sleep(2 * POLL_S)  # leases settled
        before = sum(1 for r in list(broker.requests) if "start" in r.query)
        time.sleep(watch_s)
        polls = sum(1 for r in list(broker.requests) if "start" in r.query) - before
    return polls / (watch_s / POLL_S)


def _drain(ws) -> None:
    ws.close()


def broker_polls(ctx: BenchContext, name: str, target: float | None) -> Row:
    from tests.core.fake_broker import Answer, FakeBroker

    bars = [
        {"time": 1_704_067_200 + 60 * i, "open": 100.0, "high": 101.0, "low": 99.0,
         "close": 100.5, "volume": 10.0}
        for i in range(300)
    ]  # fmt: skip
    watch_s = 5.0 if ctx.sizes.load_seconds < 5 else 10.0
    with FakeBroker() as broker, redis_server() as url:
        broker.script("ohlcv", Answer(body=bars))
        four = _polls_per_interval(broker, url, 4, watch_s)
        one = _polls_per_interval(broker, url, 1, watch_s)
    return Row(
        name,
        four,
        one,
        "polls",
        target,
        note=f"broker polls per LIVE_POLL_S ({POLL_S:g} s) over {watch_s:g} s, 4 replicas with a "
        f"client each vs 1 (without the shared poll lease 4 replicas poll 4 times); "
        f"{load_average()}",
    )
