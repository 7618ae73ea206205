"""indicators= and chart= on /api/ohlcv, and GET /api/indicators, over real HTTP (uvicorn)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import talib

from app.core import heikin_ashi, read_ohlcv_file
from tests.live_server import ROOT
from tests.web.conftest import BIG_SYMBOL, SMALL_BARS, SMALL_SYMBOL

FIELDS = ["time", "open", "high", "low", "close", "volume"]
CONTRACT = "rsi:14,macd:12:26:9,bb:20:2,stoch:14:3:3,obv,vwap"
CONTRACT_COLUMNS = [
    "rsi_14",
    "macd_12_26_9",
    "macd_signal_12_26_9",
    "macd_hist_12_26_9",
    "bb_upper_20_2",
    "bb_middle_20_2",
    "bb_lower_20_2",
    "stoch_k_14_3_3",
    "stoch_d_14_3_3",
    "obv",
    "vwap",
]


@pytest.fixture(scope="module")
def closes() -> np.ndarray:
    return read_ohlcv_file(Path(ROOT) / "data" / "sample_ohlcv.csv")["close"].to_numpy()


def ohlcv(api, **params):
    return api.get("/api/ohlcv", params={"symbol": SMALL_SYMBOL, **params})


def test_records_carry_one_column_per_output_null_while_warming_up(api, closes):
    response = ohlcv(api, indicators=CONTRACT, emas="10")
    assert response.status_code == 200
    bars = response.json()
    assert len(bars) == SMALL_BARS
    assert list(bars[0]) == [*FIELDS, "ema_10", *CONTRACT_COLUMNS]
    assert bars[0]["rsi_14"] is None and bars[13]["rsi_14"] is None
    assert bars[14]["rsi_14"] == pytest.approx(talib.RSI(closes, 14)[14], rel=1e-12)
    assert bars[0]["obv"] is not None and bars[0]["vwap"] is not None
    assert bars[32]["macd_signal_12_26_9"] is None and bars[33]["macd_signal_12_26_9"] is not None


def test_columns_format_and_meta(api, closes):
    body = ohlcv(api, indicators="rsi,ma:50", emas="", format="columns", limit=100).json()
    assert [i["token"] for i in body["indicators"]] == ["rsi:14", "sma:50"]
    assert body["indicators"][1] == {
        "token": "sma:50",
        "label": "SMA 50",
        "pane": "price",
        "columns": ["sma_50"],
    }
    assert body["chart"] == "candles"
    assert list(body["columns"]) == [*FIELDS, "rsi_14", "sma_50"]
    np.testing.assert_allclose(body["columns"]["sma_50"], talib.SMA(closes, 50)[-100:])
    # Computed over the whole history: the first bar of the window is warm already.
    assert body["first_index"] == SMALL_BARS - 100 and None not in body["columns"]["rsi_14"]


def test_omitted_parameters_take_the_defaults(api):
    bar = ohlcv(api, indicators="rsi,macd,stoch,bb,psar,cci", emas="", limit=1).json()[0]
    expected = ["rsi_14", "macd_12_26_9", "macd_signal_12_26_9", "macd_hist_12_26_9"]
    expected += ["stoch_k_14_3_3", "stoch_d_14_3_3", "bb_upper_20_2", "bb_middle_20_2"]
    expected += ["bb_lower_20_2", "psar_0.02_0.2", "cci_20"]
    assert list(bar)[6:] == expected


def test_an_older_page_starts_with_the_whole_series_value(api):
    whole = ohlcv(api, indicators="macd,adx", emas="", format="columns").json()["columns"]
    end = whole["time"][2999]
    older = ohlcv(api, indicators="macd,adx", emas="", format="columns", end=end, limit=1000)
    body = older.json()
    assert body["first_index"] == 2000 and body["columns"]["time"][-1] == end
    for column in ("macd_signal_12_26_9", "adx_14"):
        assert body["columns"][column] == whole[column][2000:3000]
        assert body["columns"][column][0] is not None


def test_heikin_ashi_prices_and_indicators(api):
    bars = read_ohlcv_file(Path(ROOT) / "data" / "sample_ohlcv.csv")
    ha = heikin_ashi(bars)
    body = ohlcv(api, chart="heikin_ashi", indicators="rsi", emas="", format="columns").json()
    assert body["chart"] == "heikin_ashi"
    np.testing.assert_allclose(body["columns"]["open"], ha["open"].to_numpy())
    np.testing.assert_allclose(
        np.array(body["columns"]["rsi_14"], dtype=float), talib.RSI(ha["close"].to_numpy(), 14)
    )


def test_the_etag_and_answer_cache_key_on_indicators_and_chart(api):
    etags = {
        ohlcv(api, indicators=text, chart=chart, limit=10).headers["ETag"]
        for text in ("rsi", "rsi:15", "")
        for chart in ("candles", "heikin_ashi")
    }
    assert len(etags) == 6
    first = ohlcv(api, indicators="rsi", limit=10)
    again = api.get(
        "/api/ohlcv",
        params={"symbol": SMALL_SYMBOL, "indicators": "rsi", "limit": 10},
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304
    other = api.get(
        "/api/ohlcv",
        params={"symbol": SMALL_SYMBOL, "indicators": "rsi:15", "limit": 10},
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert other.status_code == 200 and "rsi_15" in other.json()[0]


@pytest.mark.parametrize(
    ("params", "parameter", "words"),
    [
        ({"indicators": "foo"}, "indicators", "use one of: sma (ma), ema, wma, bb, vwap, psar"),
        ({"indicators": "rsi:1"}, "indicators", "from 2 to 1000"),
        ({"indicators": "macd:26:12"}, "indicators", "below the slow one"),
        ({"indicators": "bb:20:x"}, "indicators", "from 0.1 to 10"),
        ({"indicators": "rsi,macd,bb", "emas": "2,3,4,5,6,7,8,9,10,11"}, "indicators", "12 lines"),
        ({"emas": ",".join(str(p) for p in range(2, 1000))}, "emas", "at most 12 lines"),
        ({"indicators": ",".join(f"sma:{p}" for p in range(2, 999))}, "indicators", "12 lines"),
        ({"chart": "renko"}, "chart", "use candles or heikin_ashi"),
    ],
)
def test_bad_indicators_are_422_naming_what_is_allowed(api, params, parameter, words):
    response = ohlcv(api, **params)
    assert response.status_code == 422
    body = response.json()
    assert body["parameter"] == parameter
    assert words in body["detail"]


def test_999_emas_on_a_million_bars_are_refused_before_any_work(api):
    many = ",".join(str(p) for p in range(2, 1001))
    response = api.get("/api/ohlcv", params={"symbol": BIG_SYMBOL, "emas": many})
    assert response.status_code == 422
    assert response.elapsed.total_seconds() < 2  # was 16 s and 10-15 GB


def test_the_catalog_route(api):
    response = api.get("/api/indicators")
    assert response.status_code == 200
    catalog = {entry["name"]: entry for entry in response.json()}
    assert {"sma", "ema", "wma", "bb", "vwap", "psar", "rsi", "macd", "stoch"} <= set(catalog)
    assert {"atr", "adx", "mfi", "obv", "cci", "willr"} <= set(catalog)
    rsi = catalog["rsi"]
    assert rsi["pane"] == "own" and rsi["label"] == "RSI" and rsi["outputs"] == ["rsi"]
    assert rsi["params"][0]["default"] == 14 and rsi["params"][0]["min"] == 2
    assert catalog["bb"]["pane"] == "price"
    assert response.headers["X-Max-Lines"] == "12"
    again = api.get("/api/indicators", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    spec = api.get("/openapi.json").json()
    assert "/api/indicators" in spec["paths"]
