"""One broker poller per symbol across replicas (LIVE_BACKEND=redis): a real redis-server, two
uvicorn replicas polling the local stand-in broker, a real WebSocket client on each."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from tests.async_run import run_async
from tests.core.fake_broker import Answer, FakeBroker
from tests.live.conftest import next_frame, ws_url
from tests.live.test_redis_hub import LEASE_MS, REDIS_SERVER, RedisProcess, Replica
from tests.live.test_upstreams import bars_payload

POLL_S = 1.0


@pytest.fixture
def redis_url() -> Iterator[str]:
    if not REDIS_SERVER.exists():
        pytest.fail(f"{REDIS_SERVER} not found (apt-get install redis-server)")
    server = RedisProcess()
    server.start()
    yield server.url
    server.kill()


def polls(broker: FakeBroker) -> int:
    """Requests for the newest bars (a live poll asks from the last bar held)."""
    return sum(1 for r in list(broker.requests) if "start" in r.query)


async def subscribe(replica: Replica):
    ws = await websockets.connect(ws_url(replica.base))
    request = {"type": "subscribe", "symbol": "EURUSD", "timeframe": "1m", "emas": "", "limit": 5}
    await ws.send(json.dumps(request))
    await next_frame(ws, 20.0, "snapshot")
    return ws


async def bar_with_close(ws, close: float, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        frame = await next_frame(ws, max(0.1, deadline - time.monotonic()), "update")
        if frame["bars"][-1]["close"] == close:
            return frame["bars"][-1]


async def status_with(ws, state: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        frame = await next_frame(ws, max(0.1, deadline - time.monotonic()), "status")
        if frame["state"] == state:
            return frame


async def poll_stats(replica: Replica) -> dict:
    async with httpx.AsyncClient(timeout=5) as http:
        return (await http.get(replica.base + "/api/stats")).json()["polls"]


def script_close(broker: FakeBroker, close: float) -> None:
    new_bar = bars_payload(1, 300)
    new_bar[0]["close"] = close
    broker.script("ohlcv", Answer(body=bars_payload(1, 299) + new_bar))


@pytest.mark.slow
def test_two_replicas_poll_the_broker_once_per_interval_and_hand_over(
    redis_url: str, tmp_path: Path
) -> None:
    with FakeBroker() as broker:
        broker.script("ohlcv", Answer(body=bars_payload(300)))
        settings = {
            "DATA_SOURCE": "api",
            "DATA_API_BASE": broker.base_url,
            "LIVE_POLL_S": str(POLL_S),
            "DEFAULT_SYMBOL": "EURUSD",
            "CACHE_TTL": "60",
        }
        pair = [Replica(tmp_path, redis_url, **settings) for _ in range(2)]
        try:
            for replica in pair:
                replica.start()

            async def scenario():
                clients = [await subscribe(replica) for replica in pair]
                script_close(broker, 100.75)
                first = [await bar_with_close(ws, 100.75, 10.0) for ws in clients]
                broker.script("ohlcv", Answer(503, {"detail": "down for maintenance"}))
                failed = [await status_with(ws, "error", 10.0) for ws in clients]
                script_close(broker, 100.75)
                before = polls(broker)
                await asyncio.sleep(5 * POLL_S)
                in_five = polls(broker) - before
                stats = [await poll_stats(replica) for replica in pair]
                holder = next(i for i, s in enumerate(stats) if s["leases_held"] == 1)
                survivor = 1 - holder
                pair[holder].stop(signal.SIGKILL)
                killed_at = time.monotonic()
                script_close(broker, 100.25)
                moved = await bar_with_close(clients[survivor], 100.25, LEASE_MS / 1000 + 8)
                took = time.monotonic() - killed_at
                after = await poll_stats(pair[survivor])
                for ws in clients:
                    await ws.close()
                return first, failed, in_five, stats, holder, moved, took, after

            first, failed, in_five, stats, holder, moved, took, after = run_async(scenario())
        finally:
            for replica in pair:
                replica.stop()
    assert [bar["close"] for bar in first] == [100.75, 100.75]  # both replicas' clients
    # the holder's failed poll is told on both replicas (the follower's from Redis)
    assert [frame["detail"].startswith("the last poll failed") for frame in failed] == [True] * 2
    assert 3 <= in_five <= 6, in_five  # one poll per second for both replicas, not two
    assert [s["leases_held"] for s in stats] == ([1, 0] if holder == 0 else [0, 1])
    assert stats[1 - holder]["taken"] >= 1  # the follower merged the holder's bars
    assert moved["close"] == 100.25  # the survivor polls once the dead holder's lease expires
    assert took < LEASE_MS / 1000 + 6
    assert after["leases_held"] == 1


def test_forged_poll_bars_never_reach_a_client_and_a_freed_lease_is_taken(
    redis_url: str, tmp_path: Path
) -> None:
    """Another 'holder' (the test) keeps the poll lease and writes junk, a forged bar and an
    unsigned one: the replica drops them all, and polls the broker once the lease is free."""
    import hashlib

    import redis

    digest = hashlib.sha256(b"eurusd").hexdigest()[:32]
    lease, polled = f"superchart:live:poll:{digest}", f"superchart:live:polled:{digest}"
    store = redis.Redis.from_url(redis_url)
    store.set(lease, b"0123456789ab", px=60_000)  # held by a replica that is not ours
    forged_ns = (1_704_067_200 + 60 * 300) * 10**9
    forged = b'{"bars": [[%d, 100.0, 101.0, 99.0, 555.0, 1.0]], "error": null}' % forged_ns
    with FakeBroker() as broker:
        broker.script("ohlcv", Answer(body=bars_payload(300)))
        settings = {
            "DATA_SOURCE": "api",
            "DATA_API_BASE": broker.base_url,
            "LIVE_POLL_S": str(POLL_S),
            "DEFAULT_SYMBOL": "EURUSD",
            "CACHE_TTL": "60",
            "LIVE_REDIS_SECRET": "a-secret-of-the-service-0123",
        }
        replica = Replica(tmp_path, redis_url, **settings)
        try:
            replica.start()

            async def scenario():
                ws = await subscribe(replica)
                before = polls(broker)
                for junk in (b"x" * 70_000, b"not an envelope", b"0123456789ab - " + forged):
                    store.set(polled, junk)
                    await asyncio.sleep(0.8)
                follower = await poll_stats(replica)
                polls_following = polls(broker) - before
                script_close(broker, 100.75)
                store.delete(lease)  # the other 'replica' gives the lease back
                first_update = await next_frame(ws, 10.0, "update")  # none came before
                holder = store.get(lease)
                await ws.close()
                return follower, polls_following, first_update["bars"][-1], holder

            follower, polls_following, bar, holder = run_async(scenario())
        finally:
            replica.stop()
    assert follower["dropped"] == 3 and follower["leases_held"] == 0
    assert polls_following == 0  # following: the broker is not asked
    assert bar["close"] == 100.75  # no 555.0 ever reached the client; the broker's bar did
    assert holder not in (None, b"0123456789ab")  # the replica holds it now
