"""Query parameters are never handled silently (#19): a repeated one is refused naming it, only
ASCII digits are numbers, and what is echoed back is short."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.web.conftest import SMALL_SYMBOL

REPEATS = [
    ("/api/ohlcv", "indicators", ["rsi", "macd"]),
    ("/api/ohlcv", "emas", ["10", "21"]),
    ("/api/chart.png", "indicators", ["rsi", "macd"]),
    ("/api/chart.svg", "emas", ["10", "21"]),
    ("/api/analysis", "lookback", ["100", "200"]),
    ("/report", "format", ["md", "html"]),
    ("/api/scan", "within", ["5", "10"]),
    ("/api/symbols", "symbol", ["a", "b"]),
    ("/api/indicators", "x", ["1", "2"]),
]


@pytest.mark.parametrize(("path", "name", "values"), REPEATS)
def test_a_repeated_parameter_is_refused_naming_it(
    api: httpx.Client, path: str, name: str, values: list[str]
) -> None:
    params = [("symbol", SMALL_SYMBOL)] if name != "symbol" else []
    response = api.get(path, params=[*params, *((name, v) for v in values)])
    assert response.status_code == 422, response.text[:200]  # rsi&macd drew only macd: 200
    body = response.json()
    assert body["parameter"] == name
    assert f"Parameter '{name}' is given 2 times; give it once" in body["detail"]


def test_the_chart_page_shows_a_repeated_parameter_as_its_error(api: httpx.Client) -> None:
    for query in (
        [("indicators", "rsi"), ("indicators", "macd")],
        [("ema_21", "true"), ("EMA_21", "false")],  # one line, two answers
    ):
        page = api.get("/chart", params=query)
        assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
        assert "is given 2 times; give it once" in page.text


def test_udf_answers_a_repeat_in_its_own_protocol(api: httpx.Client) -> None:
    query = [("symbol", SMALL_SYMBOL), ("symbol", "x"), ("resolution", "60")]
    body = api.get("/udf/history", params=[*query, ("from", "0"), ("to", "2000000000")]).json()
    assert body["s"] == "error" and "'symbol' is given 2 times" in body["errmsg"]


@pytest.mark.parametrize("period", ["١٤", "１４", "1_4", "14.0", "0x0e"])
def test_indicator_parameters_are_ascii_digits_only(api: httpx.Client, period: str) -> None:
    response = api.get("/api/ohlcv", params={"indicators": f"rsi:{period}", "limit": 5})
    assert response.status_code == 422  # was 200 with an rsi_14 column
    assert response.json()["parameter"] == "indicators"
    assert "rsi period must be a whole number from 2 to 1000" in response.json()["detail"]


@pytest.mark.parametrize("emas", ["١٠", "1_0"])
def test_ema_periods_are_ascii_digits_only(api: httpx.Client, emas: str) -> None:
    response = api.get("/api/ohlcv", params={"emas": emas, "limit": 5})
    assert response.status_code == 422 and response.json()["parameter"] == "emas"
    page = api.get("/chart", params={f"ema_{emas}": "true"})
    assert page.status_code == 422


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"indicators": "bb:20:1e308"}, "indicators"),  # echoed a 309-digit number
        ({"indicators": "bb:" + "9" * 5000}, "indicators"),
        ({"timeframe": "9" * 5000 + "M"}, "timeframe"),  # echoed whole, twice
        ({"emas": "9" * 5000}, "emas"),
    ],
)
def test_echoed_values_are_short(api: httpx.Client, params: dict, parameter: str) -> None:
    response = api.get("/api/ohlcv", params={**params, "limit": 5})
    assert response.status_code == 422 and response.json()["parameter"] == parameter
    detail = response.json()["detail"]
    assert len(detail) < 400, len(detail)
    assert not re.search(r"[0-9]{41}", detail)  # no echoed run of more than 40 digits


def test_plain_values_still_work(api: httpx.Client) -> None:
    response = api.get(
        "/api/ohlcv", params={"indicators": "rsi:14,bb:20:2.5", "emas": "10,21", "limit": 5}
    )
    assert response.status_code == 200
    assert {"rsi_14", "bb_upper_20_2.5", "ema_21"} <= set(response.json()[-1])


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("/api/ohlcv", "limit", "1_0"),  # pydantic read it as 10
        ("/api/ohlcv", "end", "١٧٠٦٧٠٩٦٠٠"),  # read as UNIX seconds 1706709600
        ("/api/analysis", "lookback", "1_00"),
        ("/api/analysis", "spike_sigma", "2_5"),
        ("/api/chart.png", "width", "1_200"),
        ("/api/scan", "within", "1_0"),
    ],
)
def test_numbers_in_a_query_are_ascii_digits(
    api: httpx.Client, path: str, name: str, value: str
) -> None:
    response = api.get(path, params={"symbol": SMALL_SYMBOL, name: value})
    assert response.status_code == 422, response.text[:200]
    assert response.json()["parameter"] == name


def test_a_live_request_echoes_a_long_limit_cut_short() -> None:
    """The WebSocket's subscribe frame, as parsed for /ws: a 3,000-character limit was echoed."""
    from app.core import ParameterError
    from app.live.protocol import parse_stream_request

    frame = {"type": "subscribe", "symbol": SMALL_SYMBOL, "limit": "9" * 3000}
    with pytest.raises(ParameterError) as caught:
        parse_stream_request(
            frame, default_symbol=SMALL_SYMBOL, default_emas=(), max_limit=100, max_speed=10.0
        )
    assert caught.value.parameter == "limit" and len(str(caught.value)) < 120
