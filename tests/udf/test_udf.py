"""The /udf datafeed, checked field by field against the UDF specification (TradingView's UDF
protocol and the Charting Library's DatafeedConfiguration / LibrarySymbolInfo /
SearchSymbolResultItem / TimescaleMark) and against /api/ohlcv for the same bars."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.udf.conftest import DAYS, FLAT, FLAT_BARS, HOURS, MINUTES

RESOLUTIONS = ["1", "5", "15", "30", "60", "240", "1D", "1W", "1M"]
HISTORY_FIELDS = ("t", "o", "h", "l", "c", "v")


def udf(client: httpx.Client, route: str, **params: object) -> httpx.Response:
    response = client.get(f"/udf/{route}", params=params)
    assert response.status_code == 200, response.text  # UDF answers errors in the body
    return response


def test_config_has_every_field_the_specification_names(client: httpx.Client) -> None:
    config = udf(client, "config").json()
    assert set(RESOLUTIONS) <= set(config["supported_resolutions"])
    assert config["supported_resolutions"][0] == "1" and config["supported_resolutions"][-1] == "1M"
    assert config["supports_search"] is True
    assert config["supports_group_request"] is False
    assert config["supports_marks"] is False
    assert config["supports_timescale_marks"] is True
    assert config["supports_time"] is True
    assert config["exchanges"][0] == {"value": "", "name": "All Exchanges", "desc": ""}
    assert {"value": "ALPACA", "name": "ALPACA", "desc": "ALPACA"} in config["exchanges"]
    assert config["symbols_types"][0] == {"name": "All types", "value": ""}


def test_symbol_info_of_a_flat_file(client: httpx.Client) -> None:
    info = udf(client, "symbols", symbol=FLAT).json()
    assert info["name"] == info["ticker"] == FLAT
    assert info["description"] == FLAT
    assert info["type"] == "stock"
    assert info["session"] == "24x7"  # synthetic hours: every day, every hour
    assert info["timezone"] == "Etc/UTC"
    assert info["exchange"] == info["listed_exchange"] == "FILES"
    assert info["minmov"] == 1
    assert info["pricescale"] == 100  # quoted in cents
    assert info["has_intraday"] is True
    assert info["has_daily"] is True
    assert info["has_weekly_and_monthly"] is True
    offered = udf(client, "config").json()["supported_resolutions"]
    assert info["supported_resolutions"] == offered[offered.index("60") :]
    assert info["intraday_multipliers"][:2] == ["60", "120" if "120" in offered else "240"]
    assert info["daily_multipliers"][0] == "1" and set(info["daily_multipliers"]) <= {"1", "3"}
    assert info["data_status"] == "streaming"
    assert info["format"] == "price"
    page = client.get("/api/ohlcv", params={"symbol": FLAT, "format": "columns", "limit": 1})
    assert 10 ** page.json()["price_precision"] == info["pricescale"]  # the page's precision


def test_symbol_info_of_a_tree_and_of_a_daily_symbol(client: httpx.Client) -> None:
    info = udf(client, "symbols", symbol="ALPACA/NFLX").json()
    assert (info["name"], info["exchange"], info["listed_exchange"]) == (
        "ALPACA/NFLX",
        "ALPACA",
        "ALPACA",
    )
    assert info["description"] == "ALPACA/NFLX (1h, 1d)"
    assert info["supported_resolutions"][0] == "60"
    assert {"240", "1D", "1W", "1M"} <= set(info["supported_resolutions"])
    daily = udf(client, "symbols", symbol="AAPL").json()
    assert daily["has_intraday"] is False and daily["intraday_multipliers"] == []
    assert [r for r in daily["supported_resolutions"] if r != "3D"] == ["1D", "1W", "1M"]
    assert daily["data_status"] == "endofday"
    assert daily["session"] == "24x7"


def test_an_unknown_symbol_is_an_error_in_the_body(client: httpx.Client) -> None:
    body = udf(client, "symbols", symbol="NOPE").json()
    assert body["s"] == "error" and "Unknown symbol 'NOPE'" in body["errmsg"]
    assert udf(client, "symbols").json()["s"] == "error"


def test_search_answers_search_symbol_result_items(client: httpx.Client) -> None:
    found = udf(client, "search", query="nfl", type="", exchange="", limit=10).json()
    assert [row["symbol"] for row in found] == ["ALPACA/NFLX", "IEX/NFLX"]
    assert found[0] == {
        "symbol": "ALPACA/NFLX",
        "full_name": "ALPACA:ALPACA/NFLX",
        "description": "ALPACA/NFLX (1h, 1d)",
        "exchange": "ALPACA",
        "ticker": "ALPACA/NFLX",
        "type": "stock",
    }
    assert [r["symbol"] for r in udf(client, "search", query="", exchange="iex").json()] == [
        "IEX/NFLX"
    ]
    assert len(udf(client, "search", query="", limit=2).json()) == 2
    assert udf(client, "search", query="zzz").json() == []
    assert udf(client, "search", query="a", limit="x").json()["s"] == "error"
    assert "passwd" not in udf(client, "search", query="pass").text


def test_history_equals_api_ohlcv_field_by_field(client: httpx.Client) -> None:
    for symbol, resolution, timeframe in (
        (FLAT, "60", "1h"),
        (FLAT, "240", "4h"),
        ("ALPACA/NFLX", "1D", "1d"),
        ("ALPACA/NFLX", "240", "4h"),
        ("ALPACA/NFLX", "1W", "1w"),
    ):
        ours = client.get(
            "/api/ohlcv",
            params={
                "symbol": symbol,
                "timeframe": timeframe,
                "format": "columns",
                "limit": 2000,
                "emas": "",
            },
        ).json()["columns"]
        start, end = ours["time"][0], ours["time"][-1]
        body = udf(client, "history", symbol=symbol, resolution=resolution, **{"from": start},
                   to=end + 1).json()  # fmt: skip
        assert body["s"] == "ok"
        assert set(body) == {"s", *HISTORY_FIELDS}
        fields = ("time", "open", "high", "low", "close", "volume")
        for udf_field, field in zip(HISTORY_FIELDS, fields, strict=True):
            assert body[udf_field] == ours[field], (symbol, resolution, field)


def test_history_reads_1d_from_its_file_and_4h_from_the_hours(client: httpx.Client) -> None:
    days = udf(client, "history", symbol="ALPACA/NFLX", resolution="D", countback=len(DAYS),
               to=2**31).json()  # fmt: skip
    assert days["c"] == DAYS["close"].tolist()
    hours = udf(client, "history", symbol="ALPACA/NFLX", resolution="60", countback=24,
                to=2**31).json()  # fmt: skip
    assert hours["c"] == HOURS["close"].tolist()[-24:]
    refused = udf(client, "history", symbol="ALPACA/NFLX", resolution="1", countback=5).json()
    assert refused["s"] == "error" and "it has 1h, 1d" in refused["errmsg"]


def test_countback_takes_the_last_bars_up_to_to_and_both_ends_are_included(
    client: httpx.Client,
) -> None:
    times = (FLAT_BARS["time"].astype("int64") // 10**9).tolist()
    to = times[3000]
    body = udf(client, "history", symbol=FLAT, resolution="60", countback=10,
               **{"from": times[2999]}, to=to).json()  # fmt: skip
    assert body["t"] == times[2991:3001]  # 10 bars up to `to`, from is second to countback
    ranged = udf(client, "history", symbol=FLAT, resolution="60", **{"from": times[10]},
                 to=times[20]).json()  # fmt: skip
    assert ranged["t"] == times[10:21]  # from and to both included, as the UDF spec says
    between = udf(client, "history", symbol=FLAT, resolution="60", **{"from": times[10] + 1},
                  to=times[20] - 1).json()  # fmt: skip
    assert between["t"] == times[11:20]


def test_no_data_says_where_the_older_bars_are(client: httpx.Client) -> None:
    times = (FLAT_BARS["time"].astype("int64") // 10**9).tolist()
    after = udf(client, "history", symbol=FLAT, resolution="60", **{"from": times[-1] + 3600},
                to=times[-1] + 7200).json()  # fmt: skip
    assert after == {"s": "no_data", "nextTime": times[-1]}
    before = udf(client, "history", symbol=FLAT, resolution="60", **{"from": 0},
                 to=times[0] - 1).json()  # fmt: skip
    assert before == {"s": "no_data"}  # nothing older: the library stops scrolling back
    countback = udf(client, "history", symbol=FLAT, resolution="60", countback=5,
                    to=times[0] - 1).json()  # fmt: skip
    assert countback == {"s": "no_data"}


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"symbol": FLAT, "resolution": "7", "countback": 5}, "Unsupported resolution '7'"),
        ({"symbol": FLAT, "resolution": "1S", "countback": 5}, "supported: 1, 5, 15"),
        ({"symbol": "NOPE", "resolution": "60", "countback": 5}, "Unknown symbol"),
        ({"symbol": FLAT, "resolution": "60", "countback": 100_001}, "100,000-bar cap"),
        ({"symbol": FLAT, "resolution": "60", "countback": 0}, "countback must be 1 or more"),
        ({"symbol": FLAT, "resolution": "60", "from": "x", "to": 5}, "whole UNIX seconds"),
        ({"symbol": FLAT, "resolution": "60", "from": 10, "to": 5}, "from must not be after to"),
        ({"resolution": "60", "countback": 5}, "symbol is required"),
    ],
)
def test_history_errors_are_s_error_with_errmsg(client, params, words) -> None:
    body = udf(client, "history", **params).json()
    assert set(body) == {"s", "errmsg"} and body["s"] == "error"
    assert words in body["errmsg"]


def test_a_range_of_more_bars_than_the_cap_is_refused_naming_it(client: httpx.Client) -> None:
    body = udf(client, "history", symbol=MINUTES, resolution="1", **{"from": 0}, to=2**31).json()
    assert body["s"] == "error"
    assert "more than 100,000 1m bars, the cap of /udf/history" in body["errmsg"]
    capped = udf(client, "history", symbol=MINUTES, resolution="1", countback=100_000).json()
    assert capped["s"] == "ok" and len(capped["t"]) == 100_000
    whole = udf(client, "history", symbol=FLAT, resolution="60", **{"from": 0}, to=2**31).json()
    assert whole["s"] == "ok" and len(whole["t"]) == len(FLAT_BARS)


def test_time_is_plain_text_unix_seconds(client: httpx.Client) -> None:
    response = udf(client, "time")
    assert response.headers["content-type"].startswith("text/plain")
    assert abs(int(response.text) - time.time()) < 5


def test_timescale_marks_are_our_volume_spikes(client: httpx.Client) -> None:
    from app.core.analysis import find_volume_spikes

    times = (FLAT_BARS["time"].astype("int64") // 10**9).tolist()
    marks = udf(client, "timescale_marks", symbol=FLAT, resolution="60",
                **{"from": times[0]}, to=times[-1] + 1).json()  # fmt: skip
    frame = client.get("/api/ohlcv", params={"symbol": FLAT, "format": "columns",
                                             "limit": 10_000, "emas": ""}).json()  # fmt: skip
    import pandas as pd

    bars = pd.DataFrame(frame["columns"])
    bars["time"] = pd.to_datetime(bars["time"], unit="s", utc=True)
    expected = [spike.time for spike in find_volume_spikes(bars)]
    assert expected, "the sample has spikes"
    assert [mark["time"] for mark in marks] == expected
    for mark in marks:
        assert set(mark) == {"id", "time", "color", "label", "tooltip", "shape"}
        assert mark["label"] == "V" and mark["tooltip"][0].startswith("Volume spike: ")
        assert mark["color"] in ("#26a69a", "#ef5350")
    later = udf(client, "timescale_marks", symbol=FLAT, resolution="60",
                **{"from": expected[-1]}, to=times[-1] + 1).json()  # fmt: skip
    assert [mark["time"] for mark in later] == [expected[-1]]  # the window before still counts


def test_cors_for_the_origins_allowed_only(client: httpx.Client) -> None:
    allowed = client.get("/udf/config", headers={"Origin": "https://pro.openbb.co"})
    assert allowed.headers["access-control-allow-origin"] == "https://pro.openbb.co"
    other = client.get("/udf/config", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
