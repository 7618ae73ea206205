"""The Redis-shared caches and cluster stats against a real redis-server and two uvicorn
replicas: an answer or an image made on one replica is served by the other from Redis; /api/stats
sums both replicas; Redis going away leaves every answer working (one warning), and coming back
shares again."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
import websockets

from app.shared_cache import RETRY_S
from tests.analysis.llm_stand_in import StandIn, llm_stand_in
from tests.async_run import run_async
from tests.live.test_redis_hub import REDIS_SERVER, RedisProcess
from tests.web.access.conftest import SYMBOL, serve, ws_base
from tests.web.ops.test_metrics import samples, value


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisProcess]:
    if not REDIS_SERVER.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{REDIS_SERVER} not found (apt-get install redis-server)")
        pytest.skip(f"{REDIS_SERVER} not found")
    server = RedisProcess()
    server.start()
    yield server
    server.kill()


@pytest.fixture(scope="module")
def llm() -> Iterator[StandIn]:
    with llm_stand_in() as stand_in:
        yield stand_in


@pytest.fixture(scope="module")
def replicas(access_data: Path, redis_server: RedisProcess, llm: StandIn):
    settings = {
        "REDIS_URL": redis_server.url,
        "METRICS_ENABLED": "true",
        "LIVE_REDIS_TIMEOUT_S": "0.5",
        "LLM_API_BASE": llm.base,
        "LLM_API_KEY": "sk-test-shared-cache-key",
        "LLM_MODEL": "stand-in",
    }
    with serve(access_data, **settings) as one, serve(access_data, **settings) as two:
        yield one, two


def ohlcv(base: str, limit: int) -> httpx.Response:
    params = {"symbol": SYMBOL, "limit": limit, "emas": "10,21"}
    response = httpx.get(base + "/api/ohlcv", params=params, timeout=60)
    assert response.status_code == 200
    return response


def shared_hits(base: str, namespace: str) -> float:
    return value(
        samples(base), "superchart_cache_lookups_total", cache=f"shared_{namespace}", result="hit"
    )


def test_an_answer_built_by_one_replica_is_served_by_the_other(replicas) -> None:
    (one, _), (two, _) = replicas
    built = ohlcv(one, 321)
    ohlcv(two, 50)  # replica two loads the file (its own answer)
    before = shared_hits(two, "answers")
    taken = ohlcv(two, 321)
    assert shared_hits(two, "answers") == before + 1
    assert taken.content == built.content and taken.headers["etag"] == built.headers["etag"]


def test_an_image_drawn_by_one_replica_is_not_drawn_again(replicas) -> None:
    (one, _), (two, _) = replicas
    params = {"symbol": SYMBOL, "width": 400, "height": 300}
    drawn = httpx.get(one + "/api/chart.png", params=params, timeout=120)
    assert drawn.status_code == 200 and drawn.content.startswith(b"\x89PNG")
    taken = httpx.get(two + "/api/chart.png", params=params, timeout=120)
    assert taken.status_code == 200 and taken.content == drawn.content
    renders = samples(two)
    drawn_by_two = sum(
        value(renders, "superchart_image_renders_total", format="png", result=result)
        for result in ("ok", "error")
    )
    assert drawn_by_two == 0 and shared_hits(two, "images") >= 1


def test_stats_add_up_every_replica(replicas) -> None:
    (one, _), (two, _) = replicas

    async def scenario() -> dict:
        async with websockets.connect(ws_base(two)) as ws:
            await ws.send(json.dumps({"type": "subscribe", "symbol": SYMBOL, "timeframe": "1h"}))
            await ws.recv()
            deadline = time.monotonic() + 15
            async with httpx.AsyncClient(timeout=30) as http:
                while time.monotonic() < deadline:
                    stats = (await http.get(one + "/api/stats")).json()
                    cluster = stats.get("cluster", {})
                    if cluster == {"replicas": 2, "total_clients": 1, "total_subscriptions": 1}:
                        return stats
                    await asyncio.sleep(0.3)
            return stats

    stats = run_async(scenario())
    assert stats["total_clients"] == 0  # this replica's own figure
    assert stats["cluster"] == {"replicas": 2, "total_clients": 1, "total_subscriptions": 1}


def test_the_llm_is_asked_once_for_both_replicas(replicas, llm: StandIn) -> None:
    (one, _), (two, _) = replicas
    asked = len(llm.requests)
    first = httpx.get(one + "/api/analysis", params={"symbol": SYMBOL}, timeout=60).json()
    assert first["narrative_source"] == "llm" and len(llm.requests) == asked + 1
    second = httpx.get(two + "/api/analysis", params={"symbol": SYMBOL}, timeout=60).json()
    assert second["narrative_source"] == "llm"
    assert second["narrative"] == first["narrative"]
    assert len(llm.requests) == asked + 1  # replica two took it from Redis


def analysis(base: str, lookback: int) -> httpx.Response:
    params = {"symbol": SYMBOL, "lookback": lookback}
    response = httpx.get(base + "/api/analysis", params=params, timeout=60)
    assert response.status_code == 200 and response.json()["bars"] == lookback
    return response


def test_an_analysis_made_on_one_replica_is_answered_by_the_other(replicas, llm) -> None:
    (one, _), (two, _) = replicas
    made = analysis(one, 150)
    asked = len(llm.requests)
    before = shared_hits(two, "analyses")
    taken = analysis(two, 150)
    assert shared_hits(two, "analyses") == before + 1 and len(llm.requests) == asked
    assert taken.json() == made.json() and taken.headers["x-source"] == "files"


def test_a_v1_analysis_is_not_made_again_on_the_other_replica(replicas) -> None:
    (one, _), (two, _) = replicas
    body = {"pair": SYMBOL, "limit": 120}
    made = httpx.post(one + "/api/v1/analyze", json=body, timeout=120)
    assert made.status_code == 200 and made.json()["status"] == "success"
    before = samples(two)
    taken = httpx.post(two + "/api/v1/analyze", json=body, timeout=120)
    after = samples(two)
    assert taken.status_code == 200 and taken.json() == made.json()
    hits = "superchart_cache_lookups_total", {"cache": "shared_analyses", "result": "hit"}
    assert value(after, hits[0], **hits[1]) == value(before, hits[0], **hits[1]) + 1
    drawn = [value(after, "superchart_image_renders_total", format="png", result="ok")]
    assert drawn == [value(before, "superchart_image_renders_total", format="png", result="ok")]


def test_a_malformed_analysis_in_redis_is_a_miss(replicas, redis_server: RedisProcess) -> None:
    (one, _), (two, log) = replicas
    made = analysis(one, 160)
    client = redis.Redis.from_url(redis_server.url)
    keys = list(client.scan_iter("superchart:cache:analyses:*"))
    assert keys
    for key in keys:
        client.set(key, b'{"symbol": "forged"}', px=60_000)
    taken = analysis(two, 160)
    assert taken.json() == made.json()
    malformed = value(
        samples(two), "superchart_cache_lookups_total", cache="shared_analyses", result="malformed"
    )
    assert malformed >= 1 and "an analysis in Redis was not a valid answer" in log.read_text()


def test_redis_away_and_back(replicas, redis_server: RedisProcess) -> None:
    (one, log), _ = replicas
    redis_server.kill()
    try:
        for limit in (111, 112, 113):  # new answers: each would be stored
            ohlcv(one, limit)
        analysis(one, 170)  # a new analysis, computed here
        stats = httpx.get(one + "/api/stats", timeout=30)
        assert stats.status_code == 200 and "cluster" not in stats.json()
        assert log.read_text().count("shared cache: Redis unavailable") == 1
    finally:
        redis_server.start()
    time.sleep(RETRY_S + 0.5)
    ohlcv(one, 114)
    assert "shared cache: Redis is back" in log.read_text()
