"""Prefixed symbols and feed= in every route that takes a symbol, on a real server reading
files, Binance and Pyth at once (Binance and Pyth stood in for on 127.0.0.1)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import numpy as np
import pandas as pd
import pytest

from tests.images.conftest import uvicorn_server
from tests.sources.conftest import DATA_DIR
from tests.sources.market_stand_in import SAMPLE_CSV, MarketStandIn

CSV = pd.read_csv(SAMPLE_CSV)


@pytest.fixture(scope="module")
def market() -> Iterator[MarketStandIn]:
    with MarketStandIn() as server:
        yield server


@pytest.fixture(scope="module")
def api(market: MarketStandIn) -> Iterator[httpx.Client]:
    env = {
        "DATA_SOURCE": "csv",
        "DATA_DIR": str(DATA_DIR),
        "CSV_PATH": str(SAMPLE_CSV),
        "DEFAULT_SYMBOL": "sample_ohlcv",
        "SOURCES": "files,binance,pyth",
        "FEED_FALLBACK": "pyth,binance",
        "BINANCE_URL": market.url,
        "PYTH_URL": market.udf_url,
        "REQUEST_TIMEOUT": "5",
        "EXCHANGE_DEADLINE": "10",
        "CACHE_TTL": "0",
        "EMA_PERIODS": "10",
    }
    with uvicorn_server(env) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client


@pytest.fixture(autouse=True)
def _healthy(market: MarketStandIn) -> Iterator[None]:
    yield
    market.mode.update(udf="ok", binance="ok")


def columns(api: httpx.Client, **params: str) -> httpx.Response:
    return api.get("/api/ohlcv", params={"format": "columns", "limit": "100", **params})


def test_ohlcv_of_a_prefixed_symbol_says_its_source(api):
    response = columns(api, symbol="PYTH:Crypto.BTC/USD")
    assert response.status_code == 200, response.text
    body = response.json()
    assert response.headers["X-Source"] == body["source"] == "pyth"
    assert body["symbol"] == "PYTH:Crypto.BTC/USD"
    np.testing.assert_array_equal(body["columns"]["close"], CSV["close"].iloc[-100:])
    files = columns(api, symbol="sample_ohlcv")
    assert files.headers["X-Source"] == "files" and files.json()["symbol"] == "sample_ohlcv"
    assert files.json()["columns"]["close"] == body["columns"]["close"]  # the same CSV


def test_feed_picks_the_source_and_the_other_quote_is_said(api):
    response = columns(api, symbol="BTC/USD", feed="binance")
    assert response.headers["X-Source"] == "binance"
    assert response.json()["symbol"] == "BINANCE:BTCUSDT"
    assert "lists no BTCUSD; showing BTCUSDT" in json.loads(response.headers["X-Notices"])[0]


def test_feed_falls_back_and_says_why(api, market):
    market.mode["udf"] = "down"
    response = columns(api, symbol="BTC/USD", feed="pyth")
    assert response.status_code == 200
    assert response.headers["X-Source"] == "binance"
    notices = " ".join(response.json()["notices"])
    assert "pyth could not answer" in notices and "HTTP 503" in notices


def test_all_feeds_down_is_an_error_naming_each(api, market):
    market.mode.update(udf="down", binance="wrong")
    response = columns(api, symbol="BTC/USD", feed="pyth")
    assert response.status_code == 503
    body = response.json()
    assert [(t["source"], t["status"]) for t in body["tried"]] == [("pyth", 503), ("binance", 502)]
    assert re.search(r"pyth: Pyth at 127\.0\.0\.1:\d+ is unavailable \(HTTP 503\)", body["detail"])
    assert "binance: Binance answered with something that is not JSON" in body["detail"]


def test_a_feed_that_is_not_a_source_is_a_422(api):
    response = columns(api, symbol="BTC/USD", feed="kraken")
    assert response.status_code == 422
    assert response.json()["parameter"] == "feed"
    assert "files, binance, pyth" in response.json()["detail"]


def test_analysis_and_report_of_prefixed_symbols(api):
    analysis = api.get("/api/analysis", params={"symbol": "BINANCE:BTCUSDT", "lookback": 100})
    assert analysis.status_code == 200, analysis.text
    assert analysis.headers["X-Source"] == analysis.json()["source"] == "binance"
    assert analysis.json()["symbol"] == "BINANCE:BTCUSDT"
    report = api.get("/report", params={"symbol": "BTC/USD", "feed": "pyth", "format": "md"})
    assert report.status_code == 200 and report.headers["X-Source"] == "pyth"
    assert "PYTH:Crypto.BTC/USD" in report.text


def test_the_chart_page_starts_from_the_source_that_served(api):
    page = api.get("/chart", params={"symbol": "BTC/USD", "feed": "pyth"})
    assert page.status_code == 200
    state = json.loads(re.search(r'id="sc-state"[^>]*>(.*?)</script>', page.text, re.S)[1])
    assert (state["symbol"], state["source"]) == ("PYTH:Crypto.BTC/USD", "pyth")
    assert len(state["initial"]["columns"]["close"]) > 0


def test_quotes_of_prefixed_symbols(api):
    response = api.get("/api/quotes", params={"symbols": "PYTH:FX.EUR/USD,BINANCE:ETHUSDT"})
    assert response.status_code == 200
    quotes = response.json()
    assert [(q["symbol"], q["source"]) for q in quotes] == [
        ("PYTH:FX.EUR/USD", "pyth"),
        ("BINANCE:ETHUSDT", "binance"),
    ]
    assert quotes[0]["last"] == pytest.approx(CSV["close"].iloc[-1])


def test_symbols_of_every_source_are_searchable(api):
    found = api.get("/api/symbols", params={"q": "btc"}).json()
    assert [(s["symbol"], s["source"]) for s in found] == [
        ("BINANCE:BTCUSDT", "binance"),
        ("PYTH:Crypto.BTC/USD", "pyth"),
    ]
    pyth_only = api.get("/api/symbols", params={"source": "pyth"}).json()
    assert {s["source"] for s in pyth_only} == {"pyth"} and len(pyth_only) == 3
    assert api.get("/api/symbols", params={"source": "nope"}).status_code == 422
