"""The Dash app's source picker, against a real Dash server reading files and Pyth (played by
the UDF stand-in): picking a feed lists its symbols as they reach it, and the chart draws one."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.dash.samples import ohlcv_csv
from tests.dash.test_callback_requests import post, server_callbacks, valid_body
from tests.live_server import free_port, live_server
from tests.sources.market_stand_in import MarketStandIn


@pytest.fixture(scope="module")
def market() -> Iterator[MarketStandIn]:
    with MarketStandIn() as server:
        yield server


@pytest.fixture(scope="module")
def server(tmp_path_factory, market) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("data")
    (folder / "sample_ohlcv.csv").write_bytes(ohlcv_csv(300))
    port = free_port()
    env = {
        "DASH_PORT": str(port),
        "DATA_DIR": str(folder),
        "CSV_PATH": str(folder / "sample_ohlcv.csv"),
        "DATA_SOURCE": "csv",
        "DEFAULT_SYMBOL": "sample_ohlcv",
        "DEFAULT_TIMEFRAME": "1h",
        "EMA_PERIODS": "10,21",
        "SOURCES": "files,pyth",
        "PYTH_URL": market.udf_url,
        "REQUEST_TIMEOUT": "2",
    }
    with live_server(["app/main_dash.py"], port=port, health_path="/health", env=env) as base:
        yield base


def call(base: str, output_fragment: str, **values: object) -> dict:
    callback = next(c for c in server_callbacks(base) if output_fragment in c["output"])
    body = valid_body(callback)
    for field in ("inputs", "state"):
        for item in body[field]:
            key = f"{item['id']}.{item['property']}"
            if key in values:
                item["value"] = values[key]
    body["changedPropIds"] = [next(iter(values))]
    status, answer = post(base, body)
    assert status == 200, answer[:300]
    return json.loads(answer)["response"]


def test_a_feed_that_cannot_list_is_an_alert(server, market):  # first: listings are kept
    market.mode["udf"] = "down"
    try:
        answer = call(server, "feed-alert.children", **{"feed.value": "pyth"})
    finally:
        market.mode["udf"] = "ok"
    assert answer["symbol"]["options"] == []
    alert = json.dumps(answer["feed-alert"])
    assert "Pyth" in alert and "503" in alert


def test_picking_pyth_lists_its_symbols_and_the_chart_draws_one(server, market):
    answer = call(server, "feed-alert.children", **{"feed.value": "pyth"})
    symbol = answer["symbol"]
    assert [o["value"] for o in symbol["options"]] == [
        "PYTH:Crypto.BTC/USD",
        "PYTH:Equity.US.AAPL/USD",
        "PYTH:FX.EUR/USD",
    ]
    assert symbol["value"] == "PYTH:Crypto.BTC/USD"
    chart = call(
        server,
        "chart.figure",
        **{"symbol.value": "PYTH:FX.EUR/USD", "source.value": "configured", "emas.value": []},
    )
    candles = [t for t in chart["chart"]["figure"]["data"] if t["type"] == "candlestick"]
    assert candles and market.asked("udf", "/history")
    assert not chart["alert"]["children"]
