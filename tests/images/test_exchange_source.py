"""DATA_SOURCE=exchange: CCXT against a local stand-in of Binance's and OKX's market-data APIs."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import numpy as np
import pandas as pd
import pytest

from app.core import (
    SymbolNotFoundError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    parse_timeframe,
)
from app.core.sources.exchange import ExchangeSource
from tests.images.conftest import png_size, uvicorn_server
from tests.images.fake_exchange import HOUR_MS, FakeExchanges, candle

H1 = parse_timeframe("1h")


@pytest.fixture
def fake() -> Iterator[FakeExchanges]:
    with FakeExchanges() as exchanges:
        yield exchanges


def source(fake: FakeExchanges, **options) -> ExchangeSource:
    return ExchangeSource(
        ("binance", "okx"),
        api_urls={"binance": fake.url, "okx": fake.url},
        cache_ttl=0,
        **options,
    )


def expected_closes(frame: pd.DataFrame) -> np.ndarray:
    opens_ms = frame["time"].astype("int64") // 1_000_000  # ns -> ms whatever the unit
    return np.array([candle(int(t), HOUR_MS)[4] for t in opens_ms])


def test_first_exchange_answers_the_last_bars_paged(fake):
    frame = source(fake).load("BTC/USDT", H1, limit=2500)
    assert len(frame) == 2500
    spacing = frame["time"].diff().dropna().unique()
    assert list(spacing) == [pd.Timedelta(hours=1)]
    assert frame["time"].iloc[-1] <= pd.Timestamp.now(tz="UTC")
    assert pd.Timestamp.now(tz="UTC") - frame["time"].iloc[-1] < pd.Timedelta(hours=2)
    np.testing.assert_array_equal(frame["close"].to_numpy(), expected_closes(frame))
    assert len(fake.asked("binance", "klines")) == 3  # 1,000-bar pages
    assert fake.asked("okx", "candles") == []


def test_a_window_ending_in_the_past(fake):
    end = pd.Timestamp("2025-03-01T12:00Z")
    frame = source(fake).load("ETH/USDT", H1, limit=100, end=end)
    assert len(frame) == 100 and frame["time"].iloc[-1] == end


def test_one_exchange_down_the_next_answers_the_same_bars(fake):
    fake.mode["binance"] = "down"
    frame = source(fake).load("BTC/USDT", H1, limit=700)
    assert len(frame) == 700
    np.testing.assert_array_equal(frame["close"].to_numpy(), expected_closes(frame))
    assert fake.asked("binance", "exchangeInfo")  # tried first
    assert len(fake.asked("okx", "candles")) >= 3  # then OKX, in 300-bar pages


def test_every_exchange_down_names_them_all(fake):
    fake.mode.update(binance="down", okx="down")
    with pytest.raises(UpstreamUnavailableError) as caught:
        source(fake).load("BTC/USDT", H1, limit=10)
    assert "binance is unavailable" in str(caught.value)
    assert "okx is unavailable" in str(caught.value)


def test_a_pair_no_exchange_lists_is_not_found(fake):
    with pytest.raises(SymbolNotFoundError, match=r"No exchange lists DOGE/EUR \(tried: binance"):
        source(fake).load("DOGE/EUR", H1, limit=10)


@pytest.mark.slow
def test_a_hanging_exchange_is_left_at_its_timeout_within_the_deadline(fake):
    fake.mode["binance"] = "slow"
    started = time.monotonic()
    frame = source(fake, request_timeout=1.0, deadline=8.0).load("BTC/USDT", H1, limit=50)
    assert len(frame) == 50 and time.monotonic() - started < 4
    fake.mode["okx"] = "slow"
    started = time.monotonic()
    with pytest.raises(UpstreamTimeoutError, match=r"EXCHANGE_DEADLINE is 1\.5 s"):
        source(fake, request_timeout=1.0, deadline=1.5).load("BTC/USDT", H1, limit=50)
    assert time.monotonic() - started < 3


@pytest.mark.slow
def test_api_routes_over_the_exchange_feed(fake, tmp_path):
    env = {
        "DATA_SOURCE": "exchange",
        "EXCHANGES": "binance,okx",
        "EXCHANGE_API_URLS": f"binance={fake.url},okx={fake.url}",
        "DEFAULT_SYMBOL": "BTC/USDT",
        "DEFAULT_TIMEFRAME": "1h",
        "EMA_PERIODS": "10",
        "CACHE_TTL": "0",
        "DATA_DIR": str(tmp_path),
    }
    with uvicorn_server(env) as base, httpx.Client(base_url=base, timeout=60) as client:
        bars = client.get("/api/ohlcv", params={"symbol": "btc/usdt", "limit": 48}).json()
        assert len(bars) == 48 and bars[-1]["time"] - bars[0]["time"] == 47 * 3600
        image = client.get("/api/chart.png", params={"symbol": "ETH/USDT", "bars": 60})
        assert image.status_code == 200 and png_size(image.content) == (1200, 700)
        fake.mode["binance"] = "down"
        assert client.get("/api/ohlcv", params={"limit": 5}).status_code == 200
        fake.mode["okx"] = "down"
        down = client.get("/api/ohlcv", params={"limit": 5})
        assert down.status_code == 503
        assert "binance" in down.json()["detail"] and "okx" in down.json()["detail"]
        unknown = client.get("/api/ohlcv", params={"symbol": "BTCUSDT"})
        assert unknown.status_code == 422 and unknown.json()["parameter"] == "symbol"
        fake.mode.update(binance="huge", okx="huge")  # #19: one 170 MB page each
        started = time.monotonic()
        huge = client.get("/api/ohlcv", params={"limit": 1000})
        assert huge.status_code == 502 and time.monotonic() - started < 8
        assert "binance sent an answer too large to read" in huge.json()["detail"]
        assert "okx sent an answer too large to read" in huge.json()["detail"]
        fake.mode.update(binance="repeat", okx="ok")
        stale = client.get("/api/ohlcv", params={"limit": 1000})
        assert stale.status_code == 200 and len(stale.json()) == 1
        assert "binance sent 1 of the 1,000 1h bars" in stale.headers["X-Notices"]
