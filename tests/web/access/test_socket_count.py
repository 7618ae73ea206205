"""WS_MAX_PER_CLIENT across replicas through a real redis-server: the sockets a client has open
anywhere count against one cap; a crashed replica's sockets stop counting within
WS_COUNT_TTL_S; with Redis away each process counts its own."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets

from tests.async_run import run_async
from tests.live.test_redis_hub import REDIS_SERVER, RedisProcess, Replica
from tests.web.access.conftest import server_settings, ws_answer, ws_base

TTL_S = 2.0


@pytest.fixture
def redis_server() -> Iterator[RedisProcess]:
    if not REDIS_SERVER.exists():
        pytest.fail(f"{REDIS_SERVER} not found (apt-get install redis-server)")
    server = RedisProcess()
    server.start()
    yield server
    server.kill()


async def first_open(url: str, timeout: float) -> float | None:
    """Seconds until a socket to ``url`` opens (asked every 0.2 s), None if it never does."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        status, _, _ = await ws_answer(url)
        if status == 101:
            return time.monotonic() - started
        await asyncio.sleep(0.2)
    return None


@pytest.mark.slow
def test_open_sockets_are_capped_across_replicas(access_data: Path, redis_server) -> None:
    settings = {**server_settings(access_data), "WS_MAX_PER_CLIENT": "2"}
    settings["WS_COUNT_TTL_S"] = str(TTL_S)
    trio = [Replica(access_data, redis_server.url, **settings) for _ in range(3)]
    try:
        for replica in trio:
            replica.start()
        one, two, three = (ws_base(replica.base) for replica in trio)

        async def scenario():
            held = [await websockets.connect(one), await websockets.connect(two)]
            refused = [(await ws_answer(url))[0] for url in (one, two, three)]
            await held[0].close()
            await asyncio.sleep(0.3)
            freed = (await ws_answer(three))[0]  # the place closed on one is free on three
            held[0] = await websockets.connect(three)  # two open again: on two and three
            full = (await ws_answer(one))[0]
            trio[2].stop(signal.SIGKILL)  # its socket is never closed by it
            killed_at = time.monotonic()
            took = await first_open(one, TTL_S + 8)
            redis_server.kill()  # away: one counts its own sockets only
            local = [await websockets.connect(one) for _ in range(2)]
            beyond = (await ws_answer(one))[0]
            for ws in [*held, *local]:
                await ws.close()
            return refused, freed, full, took, time.monotonic() - killed_at, beyond

        refused, freed, full, took, _, beyond = run_async(scenario())
        log = trio[0].log()
    finally:
        for replica in trio:
            replica.stop()
    assert refused == [429, 429, 429]  # one open on each of two replicas: the cap is reached
    assert freed == 101 and full == 429
    assert took is not None and took < TTL_S + 5  # the crashed replica's place expired
    assert beyond == 429  # two open in this process while Redis is away
    assert log.count("WS_MAX_PER_CLIENT: Redis unreachable") == 1
