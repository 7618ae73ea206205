"""Folders of timeframes over HTTP: /api/symbols, /api/timeframes/{symbol}, /api/ohlcv and
/api/scan, with the clash notice and a link leading out of DATA_DIR."""

from __future__ import annotations

import json

import httpx

from app.core import resample_ohlcv
from app.core.timeframes import TIMEFRAMES
from tests.udf.conftest import DAYS, HOURS


def test_symbols_list_trees_by_name_or_path_with_their_timeframes(client: httpx.Client) -> None:
    response = client.get("/api/symbols")
    assert response.status_code == 200
    rows = {row["symbol"]: row for row in response.json()}
    assert set(rows) == {"AAPL", "ALPACA/NFLX", "IEX/NFLX", "GOOG", "garbage", "MINUTES"}
    assert rows["ALPACA/NFLX"]["timeframes"] == ["1h", "1d"]
    assert rows["ALPACA/NFLX"]["timeframe"] == "1h"
    assert rows["ALPACA/NFLX"]["bars"] == len(HOURS)
    assert rows["AAPL"]["timeframes"] == ["1d"]


def test_a_clash_and_a_link_out_are_notices_never_the_links_target(client: httpx.Client) -> None:
    response = client.get("/api/symbols")
    notices = json.loads(response.headers["x-notices"])
    clash = (
        "garbage: garbage.csv is hidden behind garbage.parquet (one file per symbol; rename one "
        "to see both)."
    )
    assert clash in notices
    assert {row["symbol"]: row for row in response.json()}["garbage"]["notices"] == [clash]
    assert any(n.startswith("passwd.csv: a link leading out of DATA_DIR") for n in notices)
    for path in ("/api/symbols", "/api/scan", "/api/ohlcv?symbol=passwd"):
        answer = client.get(path)
        assert "root:" not in answer.text and "/bin/bash" not in answer.text
        assert "root:" not in answer.headers.get("x-notices", "")
    assert client.get("/api/ohlcv", params={"symbol": "passwd"}).status_code == 404
    scanned = {row["symbol"] for row in client.get("/api/scan").json()["symbols"]}
    assert "passwd" not in scanned and "ALPACA/NFLX" in scanned


def test_timeframes_of_a_tree_symbol(client: httpx.Client) -> None:
    response = client.get("/api/timeframes/ALPACA/NFLX")
    assert response.status_code == 200
    body = response.json()
    assert body["symbol"] == "ALPACA/NFLX"
    assert body["native"] == ["1h", "1d"]
    assert {"1h", "4h", "1d", "1w", "1M"} <= set(body["reachable"])
    assert "1m" not in body["reachable"] and body["reachable"][0] == "1h"
    assert body["made_from"]["4h"] == "1h" and body["made_from"]["1d"] == "1d"
    assert client.get("/api/timeframes/aapl").json()["native"] == ["1d"]
    assert client.get("/api/timeframes/GOOG").json()["reachable"][0] == "1h"
    missing = client.get("/api/timeframes/NFLX")  # two groups hold it: name one
    assert missing.status_code == 404
    assert missing.json()["suggestions"] == ["ALPACA/NFLX", "IEX/NFLX"]
    assert client.get("/api/timeframes/" + "x" * 600).status_code == 422


def test_ohlcv_of_a_tree_reads_1d_and_aggregates_4h_and_refuses_1m(client: httpx.Client) -> None:
    daily = client.get(
        "/api/ohlcv", params={"symbol": "ALPACA/NFLX", "timeframe": "1d", "limit": 1000}
    )
    assert daily.status_code == 200
    assert [bar["close"] for bar in daily.json()] == DAYS["close"].tolist()
    four = client.get(
        "/api/ohlcv",
        params={"symbol": "alpaca/nflx", "timeframe": "4h", "limit": 5000, "format": "columns"},
    ).json()
    expected = resample_ohlcv(HOURS, TIMEFRAMES["4h"])
    assert four["columns"]["close"] == expected["close"].tolist()[-5000:]
    assert four["native_timeframe"] == "1h"
    refused = client.get("/api/ohlcv", params={"symbol": "ALPACA/NFLX", "timeframe": "1m"})
    assert refused.status_code == 422
    assert "finer than every file of ALPACA/NFLX (it has 1h, 1d)" in refused.json()["detail"]
    again = client.get(  # the warm path answers from the file that timeframe reads
        "/api/ohlcv", params={"symbol": "ALPACA/NFLX", "timeframe": "1d", "limit": 1000}
    )
    assert again.json() == daily.json()


def test_the_chart_page_and_analysis_take_a_tree_symbol(client: httpx.Client) -> None:
    page = client.get("/chart", params={"symbol": "ALPACA/NFLX", "timeframe": "1d"})
    assert page.status_code == 200
    assert "ALPACA/NFLX" in page.text
    analysis = client.get("/api/analysis", params={"symbol": "ALPACA/NFLX", "timeframe": "4h"})
    assert analysis.status_code == 200, analysis.text
    assert analysis.json()["symbol"] == "ALPACA/NFLX"
