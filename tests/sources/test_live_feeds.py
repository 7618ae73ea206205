"""Live bars follow the same names: WS subscribe takes feed= and prefixed symbols; one upstream
poller per symbol however its subscribers wrote it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator

import pytest
import websockets

from tests.async_run import run_async
from tests.images.conftest import uvicorn_server
from tests.live.conftest import next_frame, ws_url
from tests.sources.conftest import DATA_DIR
from tests.sources.market_stand_in import SAMPLE_CSV, MarketStandIn

POLL_S = 0.3


@pytest.fixture(scope="module")
def market() -> Iterator[MarketStandIn]:
    with MarketStandIn() as server:
        yield server


@pytest.fixture(scope="module")
def base(market: MarketStandIn) -> Iterator[str]:
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
        "EMA_PERIODS": "10",
        "LIVE_POLL_S": str(POLL_S),
    }
    with uvicorn_server(env) as url:
        yield url


def test_subscribers_of_one_symbol_written_two_ways_share_one_poller(base, market):
    async def scenario() -> tuple[dict, dict, dict, dict, int]:
        async with (
            websockets.connect(ws_url(base)) as first,
            websockets.connect(ws_url(base)) as second,
        ):
            await first.send(json.dumps({"type": "subscribe", "symbol": "BINANCE:BTCUSDT"}))
            one = await next_frame(first, 15, "snapshot")
            await second.send(
                json.dumps({"type": "subscribe", "symbol": "BTC/USDT", "feed": "binance"})
            )
            two = await next_frame(second, 15, "snapshot")
            polls = len(market.asked("binance", "/klines"))
            await asyncio.sleep(10 * POLL_S)
            polled = len(market.asked("binance", "/klines")) - polls
            market.binance_bars.h[-1] += 5.0  # the forming bar moves upstream
            market.binance_bars.c[-1] += 5.0
            changed = market.binance_bars.c[-1]
            update_one = await next_frame(first, 10, "update")
            while update_one["bars"][-1]["close"] != pytest.approx(changed):
                update_one = await next_frame(first, 10, "update")
            update_two = await next_frame(second, 10, "update")
            while update_two["bars"][-1]["close"] != pytest.approx(changed):
                update_two = await next_frame(second, 10, "update")
            return one, two, update_one, update_two, polled

    one, two, update_one, update_two, polled = run_async(scenario())
    assert one["symbol"] == two["symbol"] == "BINANCE:BTCUSDT"
    assert one["bars"][-1]["close"] == pytest.approx(float(market.binance_bars.c[-1] - 5.0))
    assert update_one["bars"][-1]["time"] == update_two["bars"][-1]["time"]
    assert polled <= 10 + 3  # one poller every LIVE_POLL_S, not one per subscriber


def test_a_prefixed_pyth_symbol_streams_and_an_unknown_feed_is_an_error_frame(base):
    async def scenario() -> tuple[dict, dict]:
        async with websockets.connect(ws_url(base)) as ws:
            await ws.send(json.dumps({"type": "subscribe", "symbol": "PYTH:FX.EUR/USD"}))
            snapshot = await next_frame(ws, 15, "snapshot")
            await ws.send(json.dumps({"type": "subscribe", "symbol": "X", "feed": "kraken"}))
            error = await next_frame(ws, 15, "error")
            return snapshot, error

    started = time.monotonic()
    snapshot, error = run_async(scenario())
    assert snapshot["symbol"] == "PYTH:FX.EUR/USD" and len(snapshot["bars"]) > 0
    assert error["parameter"] == "feed" and "files, binance, pyth" in error["detail"]
    assert time.monotonic() - started < 30
