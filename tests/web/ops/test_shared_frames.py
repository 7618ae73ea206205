"""Broker fetches shared through Redis (REDIS_URL): two uvicorn replicas in front of one
stand-in broker (a real local HTTP server) fetch a history once between them; the frame comes
back from Redis checked; Redis stopped, each replica fetches for itself with one warning."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest

from app.core.frame import NOTICES_ATTR, canonical_frame_from_ns
from app.core.sources.frame_codec import frame_from_bytes, frame_to_bytes
from app.core.sources.names import SERVED_SYMBOL_ATTR
from tests.core.fake_broker import Answer, FakeBroker
from tests.live.test_redis_hub import REDIS_SERVER, RedisProcess
from tests.live.test_upstreams import bars_payload
from tests.web.access.conftest import serve
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
def broker() -> Iterator[FakeBroker]:
    with FakeBroker() as stand_in:
        stand_in.script("ohlcv", Answer(body=bars_payload(300)))
        yield stand_in


@pytest.fixture(scope="module")
def replicas(access_data: Path, redis_server: RedisProcess, broker: FakeBroker):
    settings = {
        "DATA_SOURCE": "api",
        "DATA_API_BASE": broker.base_url,
        "DEFAULT_SYMBOL": "EURUSD",
        "CACHE_TTL": "60",
        "REDIS_URL": redis_server.url,
        "METRICS_ENABLED": "true",
        "LIVE_REDIS_TIMEOUT_S": "0.5",
    }
    with serve(access_data, **settings) as one, serve(access_data, **settings) as two:
        yield one, two


def ohlcv(base: str, symbol: str) -> list:
    params = {"symbol": symbol, "timeframe": "1m", "limit": 200}
    response = httpx.get(base + "/api/ohlcv", params=params, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def test_two_replicas_fetch_a_history_from_the_broker_once(replicas, broker: FakeBroker) -> None:
    (one, _), (two, _) = replicas
    fetched = broker.count()
    first = ohlcv(one, "EURUSD")
    assert broker.count() == fetched + 1
    second = ohlcv(two, "EURUSD")
    assert broker.count() == fetched + 1  # replica two read the frame from Redis
    assert second == first and len(first) == 200
    hits = value(
        samples(two), "superchart_cache_lookups_total", cache="shared_frames", result="hit"
    )
    assert hits >= 1


def test_redis_stopped_each_replica_fetches_with_one_warning(
    replicas, broker: FakeBroker, redis_server: RedisProcess
) -> None:
    (one, log), (two, _) = replicas
    redis_server.kill()
    try:
        fetched = broker.count()
        assert len(ohlcv(one, "GBPUSD")) == 200
        assert len(ohlcv(two, "GBPUSD")) == 200
        assert broker.count() == fetched + 2  # nothing shared, nothing broken
        assert len(ohlcv(one, "USDJPY")) == 200
        assert log.read_text().count("shared cache: Redis unavailable") == 1
    finally:
        redis_server.start()


def canonical(rows: int) -> pd.DataFrame:
    start = pd.Timestamp("2024-01-01", tz="UTC").value
    times = pd.array([start + 60_000_000_000 * i for i in range(rows)], dtype="int64").to_numpy()
    prices = pd.Series(range(rows), dtype="float64").to_numpy() + 100.0
    frame = canonical_frame_from_ns(times, prices, prices + 1, prices - 1, prices, prices * 0)
    frame.attrs[SERVED_SYMBOL_ATTR] = "EURUSD"
    frame.attrs[NOTICES_ATTR] = ("Quoted in USDT: no USD pair.",)
    return frame


def test_a_frame_comes_back_from_its_bytes_as_it_went() -> None:
    frame = canonical(50)
    back, left = frame_from_bytes(frame_to_bytes(frame, time.time() + 30))
    pd.testing.assert_frame_equal(back, frame)
    assert back.attrs == {**frame.attrs} and 0 < left <= 30


def test_bytes_that_are_not_a_live_frame_are_a_miss() -> None:
    frame = canonical(5)
    good = frame_to_bytes(frame, time.time() + 30)
    expired = frame_to_bytes(frame, time.time() - 1)
    unsorted = frame_to_bytes(frame.iloc[::-1].reset_index(drop=True), time.time() + 30)
    forged_head = len(b"[1]").to_bytes(4, "big") + b"[1]" + good[4 + int.from_bytes(good[:4]) :]
    for data in (b"", b"garbage", good[:-20], expired, unsorted, forged_head):
        assert frame_from_bytes(data) is None
    with_indicator = frame.assign(ema_10=1.0)
    assert frame_to_bytes(with_indicator, time.time() + 30) is None  # only canonical frames
