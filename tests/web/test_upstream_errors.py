"""Broker API failures as HTTP statuses, against a real local HTTP server standing in for it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.core.fake_broker import Answer, FakeBroker
from tests.live_server import free_port, live_server

KEY = "sk-live-SECRET-4242"
BARS = [
    {"time": "2024-01-01T00:00:00Z", "open": 10, "high": 12, "low": 9, "close": 11, "volume": 5},
    {"time": "2024-01-01T01:00:00Z", "open": 11, "high": 13, "low": 10, "close": 12, "volume": 7},
]


@pytest.fixture(scope="module")
def broker() -> Iterator[FakeBroker]:
    with FakeBroker() as server:
        yield server


@pytest.fixture(scope="module")
def client(broker: FakeBroker) -> Iterator[httpx.Client]:
    """Our uvicorn with DATA_SOURCE=api, asking the fake broker (no answer cache)."""
    port = free_port()
    env = {
        "DATA_SOURCE": "api",
        "DATA_API_BASE": broker.base_url,
        "DATA_API_KEY": KEY,
        "REQUEST_TIMEOUT": "0.5",
        "CACHE_TTL": "0",
    }
    args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1", "--port", str(port)]
    with (
        live_server(args, port=port, health_path="/health", env=env) as base,
        httpx.Client(base_url=base, timeout=60) as http,
    ):
        yield http


def test_api_source_serves_bars(broker, client):
    broker.script("ohlcv", Answer(200, BARS))
    response = client.get("/api/ohlcv", params={"symbol": "AAPL", "emas": ""})
    assert response.status_code == 200
    assert [bar["time"] for bar in response.json()] == [1704067200, 1704070800]


def test_api_source_answers_a_repeat_with_304_and_new_data_with_200(broker, client):
    broker.script("ohlcv", Answer(200, BARS))
    params = {"symbol": "AAPL", "emas": "", "format": "columns"}
    first = client.get("/api/ohlcv", params=params)
    etag = first.headers["ETag"]
    again = client.get("/api/ohlcv", params=params, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag and again.headers["X-Total-Bars"] == "2"
    broker.script("ohlcv", Answer(200, BARS[:1]))
    changed = client.get("/api/ohlcv", params=params, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json()["columns"]["time"] == [1704067200]


@pytest.mark.parametrize(
    ("answer", "status", "words"),
    [
        (Answer(401, {"detail": "bad key"}), 502, "key"),
        (Answer(404, {"detail": "unknown symbol"}), 404, "AAPL"),
        (Answer(429, {"detail": "slow"}, {"Retry-After": "0"}), 503, "429"),
        (Answer(503, "busy"), 503, "503"),
        (Answer(200, BARS, delay=1.5), 504, "0.5 s"),
        (Answer(200, "<html>not json</html>"), 502, "API"),
    ],
)
def test_upstream_failures_map_to_gateway_statuses(broker, client, answer, status, words):
    broker.script("ohlcv", answer)
    response = client.get("/api/ohlcv", params={"symbol": "AAPL"})
    assert response.status_code == status
    detail = response.json()["detail"]
    assert words in detail
    assert KEY not in response.text and "Traceback" not in detail


def test_symbols_from_the_api(broker, client):
    broker.script("symbols", Answer(200, ["AAPL", "MSFT"]))
    response = client.get("/api/symbols")
    assert response.status_code == 200
    assert [item["symbol"] for item in response.json()] == ["AAPL", "MSFT"]


@pytest.mark.parametrize(
    ("answer", "status", "words"),
    [
        (Answer(503, "busy"), 503, "503"),
        (Answer(200, ["AAPL"], delay=1.5), 504, "0.5 s"),
    ],
)
def test_symbols_with_the_upstream_down_say_so(broker, client, answer, status, words):
    broker.script("symbols", answer)
    response = client.get("/api/symbols")
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]
    assert KEY not in response.text
