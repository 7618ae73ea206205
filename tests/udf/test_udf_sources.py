"""/udf over the source registry: prefixed symbols (``PYTH:...``, ``FILES:...``) resolve as on
/api/ohlcv, search lists every source, with Pyth played by a UDF stand-in on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live_server import free_port, live_server
from tests.sources.market_stand_in import MarketStandIn
from tests.udf.conftest import DAYS, FLAT

BTC = "PYTH:Crypto.BTC/USD"
FAR = 2**31


@pytest.fixture(scope="module")
def client(tree_dir: Path) -> Iterator[httpx.Client]:
    with MarketStandIn() as market:
        port = free_port()
        env = {
            "DATA_SOURCE": "csv",
            "SOURCES": "files,pyth",
            "FEED_FALLBACK": "",
            "PYTH_URL": market.udf_url,
            "DATA_DIR": str(tree_dir),
            "CSV_PATH": str(tree_dir / f"{FLAT}.csv"),
            "DEFAULT_SYMBOL": FLAT,
            "CACHE_TTL": "0",
        }
        args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1", "--port",
                str(port)]  # fmt: skip
        with (
            live_server(args, port=port, health_path="/health", env=env) as base,
            httpx.Client(base_url=base, timeout=60) as http,
        ):
            yield http


def test_search_lists_every_sources_symbols(client: httpx.Client) -> None:
    found = client.get("/udf/search", params={"query": "btc"}).json()
    assert {
        "symbol": BTC,
        "full_name": f"PYTH:{BTC}",
        "description": BTC,
        "exchange": "PYTH",
        "ticker": BTC,
        "type": "crypto",
    } in found
    pyth_only = client.get("/udf/search", params={"query": "", "exchange": "pyth"}).json()
    assert {row["symbol"] for row in pyth_only} == {
        "PYTH:Crypto.BTC/USD",
        "PYTH:Equity.US.AAPL/USD",
        "PYTH:FX.EUR/USD",
    }
    assert {row["type"] for row in pyth_only} == {"crypto", "stock", "forex"}
    config = client.get("/udf/config").json()
    assert {"value": "PYTH", "name": "PYTH", "desc": "PYTH"} in config["exchanges"]


def test_a_prefixed_symbol_resolves_through_its_source(client: httpx.Client) -> None:
    info = client.get("/udf/symbols", params={"symbol": BTC}).json()
    assert (info["name"], info["ticker"], info["exchange"], info["type"]) == (
        BTC,
        BTC,
        "PYTH",
        "crypto",
    )
    files = client.get("/udf/symbols", params={"symbol": "FILES:ALPACA/NFLX"}).json()
    assert (files["name"], files["exchange"]) == ("ALPACA/NFLX", "ALPACA")


def test_history_of_a_prefixed_symbol_equals_api_ohlcv(client: httpx.Client) -> None:
    ours = client.get(
        "/api/ohlcv",
        params={"symbol": BTC, "timeframe": "1h", "format": "columns", "emas": "", "limit": 200},
    )
    assert ours.status_code == 200, ours.text
    columns = ours.json()["columns"]
    end = columns["time"][-1]
    body = client.get(
        "/udf/history",
        params={"symbol": BTC, "resolution": "60", "countback": 200, "to": end + 1},
    ).json()
    assert body["s"] == "ok", body
    for udf_field, field in zip("tohlcv", ("time", "open", "high", "low", "close", "volume"),
                                strict=True):  # fmt: skip
        assert body[udf_field] == columns[field], field
    days = client.get(
        "/udf/history",
        params={"symbol": "FILES:ALPACA/NFLX", "resolution": "1D", "countback": 400, "to": FAR},
    ).json()
    assert days["c"] == DAYS["close"].tolist()
    unknown = client.get(
        "/udf/history",
        params={"symbol": "PYTH:Crypto.NOPE/USD", "resolution": "60", "countback": 5},
    ).json()
    assert unknown["s"] == "error" and unknown["errmsg"]
