"""RATE_LIMIT and WS_MAX_PER_CLIENT against real servers: 429 with Retry-After and RateLimit-*
over HTTP and WS, per token (else per address); counters shared by two replicas through a real
redis-server, and kept in memory while it is away."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from app.web.access.limiter import RETRY_REDIS_S
from tests.async_run import run_async
from tests.live.test_redis_hub import REDIS_SERVER, RedisProcess
from tests.web.access.conftest import TOKEN_A, TOKEN_B, serve, ws_answer, ws_base

TOKEN_C = "charlie-token-000111222"
TOKEN_D = "delta-token-333444555"
RATE = 5


@pytest.fixture(scope="module")
def limited(access_data: Path) -> Iterator[str]:
    tokens = ",".join((TOKEN_A, TOKEN_B, TOKEN_C, TOKEN_D))
    settings = {"API_TOKENS": tokens, "RATE_LIMIT": f"{RATE}/minute", "WS_MAX_PER_CLIENT": "2"}
    with serve(access_data, **settings) as (base, _):
        yield base


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_limit_per_token_with_its_headers(limited: str) -> None:
    url = limited + "/api/symbols"
    remaining = []
    for _ in range(RATE):
        response = httpx.get(url, headers=bearer(TOKEN_A), timeout=30)
        assert response.status_code == 200
        assert response.headers["ratelimit-limit"] == str(RATE)
        assert 0 < int(response.headers["ratelimit-reset"]) <= 60
        remaining.append(int(response.headers["ratelimit-remaining"]))
    assert remaining == [4, 3, 2, 1, 0]
    refused = httpx.get(url, headers=bearer(TOKEN_A), timeout=30)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit-remaining"] == "0"
    assert "RATE_LIMIT" in refused.json()["detail"]
    # Another token has a budget of its own; /health is never counted.
    assert httpx.get(url, headers=bearer(TOKEN_B), timeout=30).status_code == 200
    for _ in range(RATE + 2):
        health = httpx.get(limited + "/health", timeout=30)
        assert health.status_code == 200 and "ratelimit-limit" not in health.headers


def test_websocket_over_the_rate_gets_429(limited: str) -> None:
    for _ in range(RATE):
        httpx.get(limited + "/api/symbols", headers=bearer(TOKEN_D), timeout=30)
    status, headers, body = run_async(ws_answer(ws_base(limited) + "?token=" + TOKEN_D))
    assert status == 429 and int(headers["retry-after"]) > 0 and "RATE_LIMIT" in body


def test_websockets_per_client_are_capped(limited: str) -> None:
    url = ws_base(limited) + "?token=" + TOKEN_C

    async def scenario() -> tuple[int, int, str]:
        first = await websockets.connect(url)
        second = await websockets.connect(url)
        status, _, body = await ws_answer(url)  # the third while two are open
        await first.close()
        await asyncio.sleep(0.3)
        again, _, _ = await ws_answer(url)  # a place is free again
        await second.close()
        return status, again, body

    status, again, body = run_async(scenario())
    assert status == 429 and "WS_MAX_PER_CLIENT" in body
    assert again == 101


def test_per_address_without_tokens(access_data: Path) -> None:
    with serve(access_data, RATE_LIMIT="2/minute") as (base, _):
        codes = [httpx.get(base + "/api/symbols", timeout=30).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert httpx.get(base + "/metrics", timeout=30).status_code != 429  # never counted


@pytest.fixture
def redis_server() -> Iterator[RedisProcess]:
    if not REDIS_SERVER.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{REDIS_SERVER} not found (apt-get install redis-server)")
        pytest.skip(f"{REDIS_SERVER} not found")
    server = RedisProcess()
    server.start()
    yield server
    server.kill()


def test_replicas_share_counters_through_redis(access_data: Path, redis_server) -> None:
    settings = {"RATE_LIMIT": "4/minute", "REDIS_URL": redis_server.url}
    settings["LIVE_REDIS_TIMEOUT_S"] = "0.5"
    with serve(access_data, **settings) as (one, log), serve(access_data, **settings) as (two, _):
        codes = [httpx.get(base + "/api/symbols", timeout=30).status_code for base in (one, two)]
        codes += [httpx.get(base + "/api/symbols", timeout=30).status_code for base in (one, two)]
        assert codes == [200, 200, 200, 200]
        assert httpx.get(one + "/api/symbols", timeout=30).status_code == 429
        assert httpx.get(two + "/api/symbols", timeout=30).status_code == 429
        # Redis goes away: answers go on, counted in each process (a fresh budget), one warning.
        redis_server.kill()
        assert httpx.get(one + "/api/symbols", timeout=30).status_code == 200
        assert httpx.get(one + "/api/symbols", timeout=30).status_code == 200
        assert log.read_text().count("rate limits: Redis unreachable") == 1
        # It comes back (empty): shared counting again once the retry delay has passed.
        redis_server.start()
        time.sleep(RETRY_REDIS_S + 0.5)
        first = httpx.get(one + "/api/symbols", timeout=30)
        assert first.status_code == 200 and first.headers["ratelimit-remaining"] == "3"
        assert "rate limits: Redis is back" in log.read_text()
