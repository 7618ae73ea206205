"""One upstream reader per symbol across replicas for an exchange's socket and a followed file
(LIVE_BACKEND=redis): a real redis-server, two uvicorn replicas, the local stand-in exchange,
real WebSocket clients on each replica. Only the lease holder opens the exchange socket (or tails
the file); the other replica's clients get its bars; when the holder is killed the survivor
connects and its clients keep getting bars."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest

from tests.async_run import run_async
from tests.live.conftest import BARS, SYMBOL, append, next_frame, row, write_minutes
from tests.live.test_redis_hub import LEASE_MS, REDIS_SERVER, RedisProcess, Replica
from tests.live.test_shared_poll import bar_with_close, subscribe
from tests.live.test_upstreams import StandInExchange


class CountingExchange(StandInExchange):
    """The stand-in exchange, counting the upstream sockets open at once (and the most seen)."""

    def __init__(self) -> None:
        self.open = 0
        self.most_open = 0
        self._count = threading.Lock()
        super().__init__()

    def _handle(self, ws) -> None:
        with self._count:
            self.open += 1
            self.most_open = max(self.most_open, self.open)
        try:
            super()._handle(ws)
        finally:
            with self._count:
                self.open -= 1


@pytest.fixture
def redis_url() -> Iterator[str]:
    if not REDIS_SERVER.exists():
        pytest.fail(f"{REDIS_SERVER} not found (apt-get install redis-server)")
    server = RedisProcess()
    server.start()
    yield server.url
    server.kill()


async def upstream_stats(replica: Replica) -> dict:
    async with httpx.AsyncClient(timeout=5) as http:
        return (await http.get(replica.base + "/api/stats")).json()["polls"]


async def readers_settle(pair: list[Replica], timeout: float = 10.0) -> list[dict]:
    """Every replica's upstream stats once exactly one of them reads the upstream."""
    deadline = time.monotonic() + timeout
    while True:
        stats = [await upstream_stats(replica) for replica in pair]
        if sum(s["upstream_readers"] for s in stats) == 1 or time.monotonic() > deadline:
            return stats
        await asyncio.sleep(0.1)


async def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


@pytest.mark.slow
def test_one_exchange_socket_for_two_replicas_and_the_survivor_connects(
    redis_url: str, tmp_path: Path
) -> None:
    write_minutes(tmp_path / f"{SYMBOL}.csv")
    exchange = CountingExchange()
    thread = threading.Thread(target=exchange.server.serve_forever, daemon=True)
    thread.start()
    pair = [Replica(tmp_path, redis_url, LIVE_WS_URL=exchange.url) for _ in range(2)]
    try:
        for replica in pair:
            replica.start()

        async def scenario():
            clients = [await subscribe(replica) for replica in pair]
            stats = await readers_settle(pair)
            await wait_until(lambda: exchange.open == 1, 5.0)
            exchange.kline(BARS, 120.0)
            first = [await bar_with_close(ws, 120.0, 10.0) for ws in clients]
            open_with_two, most_with_two = exchange.open, exchange.most_open
            holder = next(i for i, s in enumerate(stats) if s["upstream_readers"] == 1)
            survivor = 1 - holder
            connects = len(exchange.paths)
            pair[holder].stop(signal.SIGKILL)
            killed_at = time.monotonic()
            reconnected = await wait_until(lambda: len(exchange.paths) > connects, 10.0)
            took = time.monotonic() - killed_at
            await wait_until(lambda: exchange.open == 1, 5.0)
            exchange.kline(BARS, 121.5)
            moved = await bar_with_close(clients[survivor], 121.5, 10.0)
            after = await upstream_stats(pair[survivor])
            for ws in clients:
                await ws.close()
            return stats, first, open_with_two, most_with_two, reconnected, took, moved, after

        stats, first, open_two, most_two, reconnected, took, moved, after = run_async(scenario())
    finally:
        for replica in pair:
            replica.stop()
        exchange.server.shutdown()
    assert sorted(s["upstream_readers"] for s in stats) == [0, 1]
    assert [bar["close"] for bar in first] == [120.0, 120.0]  # a client on each replica
    assert (open_two, most_two) == (1, 1)  # one socket to the exchange for two replicas
    assert reconnected and took < LEASE_MS / 1000 + 6  # the survivor took the lease and connected
    assert moved["close"] == 121.5
    assert after["upstream_readers"] == 1 and after["leases_held"] >= 0
    assert exchange.paths == [f"/ws/{SYMBOL.lower()}@kline_1m"] * 2


@pytest.mark.slow
def test_one_replica_follows_the_file_and_a_rewrite_reaches_the_other(
    redis_url: str, tmp_path: Path
) -> None:
    path = tmp_path / f"{SYMBOL}.csv"
    write_minutes(path)
    pair = [Replica(tmp_path, redis_url) for _ in range(2)]
    try:
        for replica in pair:
            replica.start()

        async def scenario():
            clients = [await subscribe(replica) for replica in pair]
            stats = await readers_settle(pair)
            append(path, row(BARS, 130.25))
            first = [await bar_with_close(ws, 130.25, 10.0) for ws in clients]
            holder = next(i for i, s in enumerate(stats) if s["upstream_readers"] == 1)
            follower = 1 - holder
            taken = (await upstream_stats(pair[follower]))["pushes_taken"]
            write_minutes(path, BARS, seed=9)  # history rewritten: both replicas reset
            rewritten = float(pd.read_csv(path)["close"].iloc[-1])
            resets = [await snapshot_ending(ws, rewritten, 10.0) for ws in clients]
            pair[holder].stop(signal.SIGKILL)
            await asyncio.sleep(LEASE_MS / 1000 + 1)
            append(path, row(BARS, 131.75))
            moved = await bar_with_close(clients[follower], 131.75, 10.0)
            after = await upstream_stats(pair[follower])
            for ws in clients:
                await ws.close()
            return stats, first, taken, resets, moved, after

        stats, first, taken, resets, moved, after = run_async(scenario())
    finally:
        for replica in pair:
            replica.stop()
    assert sorted(s["upstream_readers"] for s in stats) == [0, 1]  # one replica tails the file
    assert [bar["close"] for bar in first] == [130.25, 130.25]
    assert taken >= 1  # the follower's bars came from the holder
    assert resets == [True, True]  # both replicas serve the rewritten history
    assert moved["close"] == 131.75  # the survivor follows the file once the holder is gone
    assert after["upstream_readers"] == 1


async def snapshot_ending(ws, close: float, timeout: float) -> bool:
    """Whether a snapshot whose last bar closes at ``close`` comes within ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            frame = await next_frame(ws, max(0.1, deadline - time.monotonic()), "snapshot")
        except TimeoutError:
            return False
        if frame["bars"][-1]["close"] == close:
            return True
