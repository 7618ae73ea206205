"""/api/ohlcv, /api/symbols, /health, /chart.html and /docs over real HTTP (uvicorn)."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import BIG_BARS, BIG_SYMBOL, BROKEN_SYMBOL, SMALL_BARS, SMALL_SYMBOL

EMA_KEYS = ["ema_10", "ema_21", "ema_50", "ema_150"]
FIELDS = ["time", "open", "high", "low", "close", "volume"]


def ohlcv(api, **params):
    return api.get("/api/ohlcv", params=params)


def test_health(api):
    response = api.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_symbols_with_native_timeframe_and_range(api):
    symbols = {item["symbol"]: item for item in api.get("/api/symbols").json()}
    assert symbols[SMALL_SYMBOL] == {
        "symbol": SMALL_SYMBOL,
        "timeframe": "1h",
        "start": "2024-01-01T00:00:00Z",
        "end": "2024-07-27T07:00:00Z",
        "bars": SMALL_BARS,
        "timeframes": ["1h"],
        "notices": [],
        "source": "files",
    }
    assert symbols[BIG_SYMBOL]["timeframe"] == "1m"
    assert symbols[BIG_SYMBOL]["bars"] == BIG_BARS
    assert BROKEN_SYMBOL not in symbols  # unreadable files are left out of the list


def test_default_records_have_seconds_and_null_while_emas_warm_up(api):
    response = ohlcv(api, symbol=SMALL_SYMBOL)
    assert response.status_code == 200
    bars = response.json()
    assert len(bars) == SMALL_BARS
    assert list(bars[0]) == FIELDS + EMA_KEYS
    assert bars[0]["time"] == 1704067200  # 2024-01-01T00:00:00Z in UNIX seconds
    assert bars[1]["time"] - bars[0]["time"] == 3600
    assert bars[0]["ema_150"] is None and bars[148]["ema_150"] is None
    assert bars[149]["ema_150"] is not None and bars[9]["ema_10"] is not None
    assert response.headers["X-Total-Bars"] == str(SMALL_BARS)
    assert response.headers["X-Has-More-Before"] == "false"


def test_emas_parameter(api):
    assert list(ohlcv(api, emas="7,30", limit=1).json()[0]) == [*FIELDS, "ema_7", "ema_30"]
    assert list(ohlcv(api, emas="", limit=1).json()[0]) == FIELDS


def test_default_symbol_and_native_timeframe(api):
    response = ohlcv(api, limit=3)
    assert response.headers["X-Timeframe"] == "1h"
    assert response.json() == ohlcv(api, symbol=SMALL_SYMBOL, timeframe="H1", limit=3).json()


def test_columns_format_matches_records(api):
    records = ohlcv(api, symbol=SMALL_SYMBOL, limit=300).json()
    body = ohlcv(api, symbol=SMALL_SYMBOL, limit=300, format="columns").json()
    assert body["bars"] == 300 and body["total_bars"] == SMALL_BARS
    assert body["first_index"] == SMALL_BARS - 300 and body["has_more_before"] is True
    assert body["emas"] == [10, 21, 50, 150]
    for key in FIELDS + EMA_KEYS:
        assert body["columns"][key] == [bar[key] for bar in records]


def test_timeframe_resamples(api):
    bars = ohlcv(api, symbol=SMALL_SYMBOL, timeframe="1d", emas="").json()
    hourly = ohlcv(api, symbol=SMALL_SYMBOL, emas="", limit=SMALL_BARS).json()
    first_day = [bar for bar in hourly if bar["time"] < bars[0]["time"] + 86400]
    assert bars[0]["high"] == max(bar["high"] for bar in first_day)
    assert bars[0]["volume"] == pytest.approx(sum(bar["volume"] for bar in first_day))
    assert len(bars) == 209  # 2024-01-01 .. 2024-07-27


def test_limit_end_and_start(api):
    last3 = ohlcv(api, symbol=SMALL_SYMBOL, emas="", limit=3).json()
    assert len(last3) == 3
    end = last3[0]["time"] - 1
    by_seconds = ohlcv(api, symbol=SMALL_SYMBOL, emas="", limit=2, end=end).json()
    iso = "2024-07-27T04:59:59Z"  # last bar 07:00; last3[0] 05:00
    by_iso = ohlcv(api, symbol=SMALL_SYMBOL, emas="", limit=2, end=iso).json()
    assert by_seconds == by_iso
    assert [bar["time"] for bar in by_seconds] == [last3[0]["time"] - 7200, last3[0]["time"] - 3600]
    window = ohlcv(api, symbol=SMALL_SYMBOL, emas="", start="2024-01-02", end="2024-01-02T05:00Z")
    assert [bar["time"] for bar in window.json()] == [1704153600 + 3600 * h for h in range(6)]


def test_start_without_end_answers_the_first_bars_from_start(api):
    """start=&limit=N pages forward: the first N bars at or after start."""
    first = ohlcv(api, symbol=SMALL_SYMBOL, emas="", start="2024-01-02T00:30Z", limit=3)
    assert [bar["time"] for bar in first.json()] == [1704153600 + 3600 * h for h in (1, 2, 3)]
    assert first.headers["X-First-Index"] == "25"
    assert first.headers["X-Has-More-Before"] == "true"
    default = ohlcv(api, symbol=BIG_SYMBOL, emas="", start=1704067200, format="columns").json()
    assert default["bars"] == 5_000 and default["first_index"] == 0  # the default limit, too
    assert default["columns"]["time"][-1] == 1704067200 + 4_999 * 60


def test_paging_forward_rebuilds_the_whole_history(api):
    """start = newest time + 1, until an answer holds fewer than limit bars."""
    pages, start = [], 0
    while True:
        params = {"symbol": SMALL_SYMBOL, "limit": 1_500, "format": "columns", "start": start}
        page = ohlcv(api, **params).json()["columns"]
        pages.append(page)
        if len(page["time"]) < 1_500:
            break
        start = page["time"][-1] + 1
    whole = ohlcv(api, symbol=SMALL_SYMBOL, format="columns").json()["columns"]
    assert len(pages) == 4
    for key in FIELDS + EMA_KEYS:
        assert [value for page in pages for value in page[key]] == whole[key]


def test_paging_back_rebuilds_the_whole_history(api):
    """What the page does on scrolling back: end = oldest time - 1, until has_more is false."""
    pages, end = [], None
    while True:
        params = {"symbol": SMALL_SYMBOL, "limit": 1_500, "format": "columns"}
        if end is not None:
            params["end"] = end
        body = ohlcv(api, **params).json()
        pages.insert(0, body["columns"])
        if not body["has_more_before"]:
            break
        end = body["columns"]["time"][0] - 1
    whole = ohlcv(api, symbol=SMALL_SYMBOL, format="columns").json()["columns"]
    assert len(pages) == 4
    for key in FIELDS + EMA_KEYS:  # EMAs are computed on the whole history, not per page
        assert [value for page in pages for value in page[key]] == whole[key]


def test_big_symbol_pages_and_resamples(api):
    response = ohlcv(api, symbol=BIG_SYMBOL, limit=2000, format="columns")
    body = response.json()
    assert body["bars"] == 2000 and body["total_bars"] == BIG_BARS
    assert body["columns"]["time"][1] - body["columns"]["time"][0] == 60
    assert body["columns"]["time"][-1] == 1704067200 + (BIG_BARS - 1) * 60
    daily = ohlcv(api, symbol=BIG_SYMBOL, timeframe="1d", limit=5000, format="columns").json()
    assert daily["total_bars"] == 695  # 1,000,000 minutes = 694.4 days


def test_without_limit_a_big_symbol_answers_its_last_5000_bars(api):
    response = ohlcv(api, symbol=BIG_SYMBOL, emas="")
    assert response.status_code == 200
    bars = response.json()
    assert len(bars) == 5_000
    assert bars[-1]["time"] == 1704067200 + (BIG_BARS - 1) * 60
    assert response.headers["X-Limit"] == "5000"
    assert response.headers["X-Total-Bars"] == str(BIG_BARS)
    assert response.headers["X-First-Index"] == str(BIG_BARS - 5_000)
    assert response.headers["X-Has-More-Before"] == "true"
    older = ohlcv(api, symbol=BIG_SYMBOL, emas="", end=bars[0]["time"] - 1).json()
    assert older[-1]["time"] == bars[0]["time"] - 60 and len(older) == 5_000


def test_records_over_the_cap_are_422_naming_it_and_columns_go_further(api):
    response = ohlcv(api, symbol=BIG_SYMBOL, limit=100_001)
    assert response.status_code == 422
    body = response.json()
    assert body["parameter"] == "limit"
    assert "100,000" in body["detail"] and "format=columns" in body["detail"]
    columns = ohlcv(api, symbol=BIG_SYMBOL, emas="", limit=100_001, format="columns").json()
    assert columns["bars"] == 100_001 and len(columns["columns"]["time"]) == 100_001


@pytest.mark.parametrize("symbol", ["", "   "])
def test_empty_symbol_means_the_default_symbol_as_on_the_chart(api, symbol):
    response = ohlcv(api, symbol=symbol, limit=3)
    assert response.status_code == 200
    assert response.json() == ohlcv(api, symbol=SMALL_SYMBOL, limit=3).json()


def test_etag_makes_a_repeat_request_cheap(api):
    first = ohlcv(api, symbol=SMALL_SYMBOL, limit=500)
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    etag = first.headers["ETag"]
    again = api.get(
        "/api/ohlcv",
        params={"symbol": SMALL_SYMBOL, "limit": 500},
        headers={"If-None-Match": etag},
    )
    assert again.status_code == 304 and again.content == b""
    other = ohlcv(api, symbol=SMALL_SYMBOL, limit=501)
    assert other.headers["ETag"] != etag


@pytest.mark.parametrize(
    ("if_none_match", "status"),
    [
        ("*", 304),
        ('"nope", {etag}', 304),
        ("W/{etag}", 304),
        ('"nope",W/"other"', 200),
        ("{etag_without_quotes}", 200),
    ],
)
def test_if_none_match_is_parsed_as_a_list_of_entity_tags(api, if_none_match, status):
    etag = ohlcv(api, symbol=SMALL_SYMBOL, limit=50).headers["ETag"]
    header = if_none_match.format(etag=etag, etag_without_quotes=etag.strip('"'))
    response = api.get(
        "/api/ohlcv",
        params={"symbol": SMALL_SYMBOL, "limit": 50},
        headers={"If-None-Match": header},
    )
    assert response.status_code == status
    assert response.headers["ETag"] == etag
    assert (response.content == b"") == (status == 304)


# -- errors ----------------------------------------------------------------------------------


def test_unknown_symbol_is_404_with_close_matches(api):
    response = ohlcv(api, symbol="sampel_ohlcv")
    assert response.status_code == 404
    body = response.json()
    assert body["suggestions"] == [SMALL_SYMBOL]
    assert "Unknown symbol 'sampel_ohlcv'" in body["detail"]


@pytest.mark.parametrize("symbol", ["../../etc/passwd", "/etc/passwd", "..\\..\\x", "%2e%2e"])
def test_paths_are_just_unknown_symbols(api, symbol):
    response = ohlcv(api, symbol=symbol)
    assert response.status_code == 404
    assert "root:" not in response.text


@pytest.mark.parametrize(
    ("params", "parameter", "words"),
    [
        ({"timeframe": "3h"}, "timeframe", "Allowed: 1m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h"),
        ({"timeframe": "1m"}, "timeframe", "1h"),  # finer than the hourly data
        ({"emas": "10,abc"}, "emas", "2 to 1000"),
        ({"emas": "1"}, "emas", "2 to 1000"),
        ({"emas": "5000"}, "emas", "2 to 1000"),
        ({"start": "not-a-date"}, "start", "ISO 8601"),
        ({"end": "2024-13-45"}, "end", "ISO 8601"),
        ({"start": "2024-03-01", "end": "2024-02-01"}, "start", "after end"),
        ({"start": "now"}, "start", "now or today are not accepted"),
        ({"end": "today"}, "end", "UNIX seconds"),
        ({"start": "1/2/2024"}, "start", "ISO 8601"),
        ({"start": "1e9"}, "start", "UNIX seconds like 1706709600"),
        ({"end": "2024-01-01" + "x" * 10_000}, "end", "xxx…'"),  # echoed cut to 40 characters
    ],
)
def test_bad_parameters_are_422_naming_the_allowed_values(api, params, parameter, words):
    response = ohlcv(api, symbol=SMALL_SYMBOL, **params)
    assert response.status_code == 422
    body = response.json()
    assert body["parameter"] == parameter
    assert words in body["detail"]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"limit": "0"}, "limit: Input should be greater than or equal to 1"),
        ({"limit": "ten"}, "limit: Input should be a valid integer"),
        ({"limit": "2000001"}, "limit: Input should be less than or equal to 1000000"),
        ({"format": "xml"}, "format: Input should be 'records' or 'columns' (got 'xml')"),
        ({"format": "x" * 10_000}, "format: Input should be 'records' or 'columns' (got 'xxx"),
        ({"limit": "9" * 10_000}, "(got '" + "9" * 39 + "…')"),
    ],
)
def test_fastapi_validation_errors_are_422_naming_the_parameter(api, params, words):
    response = ohlcv(api, **params)
    assert response.status_code == 422
    body = response.json()
    assert words in body["detail"]
    assert body["parameter"] == next(iter(params))
    assert len(body["detail"]) < 200  # a 10 KB value is echoed cut to 40 characters


def test_several_validation_errors_are_all_named_without_one_parameter(api):
    response = ohlcv(api, limit="ten", format="xml")
    assert response.status_code == 422
    body = response.json()
    assert "limit: Input should be a valid integer" in body["detail"]
    assert "format: Input should be 'records' or 'columns' (got 'xml')" in body["detail"]
    assert "parameter" not in body


FIRST_BAR = 1704067200  # both symbols start at 2024-01-01T00:00Z


@pytest.mark.parametrize(
    ("params", "times"),
    [
        # after all data, or before it: an empty window (times beyond 1677-2262 are clamped)
        ({"start": "3000-01-01"}, []),
        ({"start": "2262-04-12"}, []),
        ({"start": "13000000000"}, []),
        ({"start": "9999-12-31T23:59:59Z"}, []),
        ({"end": "1600-01-01"}, []),
        ({"end": "-253402300799"}, []),
        ({"end": "0001-01-01"}, []),
        ({"end": "-1"}, []),
        # far on the other side: the whole history, counted from start or up to end
        ({"start": "0001-01-01", "limit": "2"}, [FIRST_BAR, FIRST_BAR + 1]),
        ({"start": "-253402300799", "limit": "1"}, [FIRST_BAR]),
        ({"start": "1600-01-01", "end": "3000-01-01", "limit": "1"}, ["last"]),
        ({"end": "99999999999999999999", "limit": "1"}, ["last"]),
    ],
)
@pytest.mark.parametrize(
    ("symbol", "step", "bars"), [(SMALL_SYMBOL, 3600, SMALL_BARS), (BIG_SYMBOL, 60, BIG_BARS)]
)
def test_times_outside_the_data_give_an_exact_window(api, params, times, symbol, step, bars):
    response = ohlcv(api, symbol=symbol, emas="", **params)
    assert response.status_code == 200, response.text
    last = FIRST_BAR + (bars - 1) * step
    expected = [last if t == "last" else FIRST_BAR + (t - FIRST_BAR) * step for t in times]
    assert [bar["time"] for bar in response.json()] == expected


def test_unparseable_file_is_422_with_the_loader_message(api):
    response = ohlcv(api, symbol=BROKEN_SYMBOL)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert BROKEN_SYMBOL in detail
    assert "Traceback" not in detail


def test_typical_bad_inputs_never_reach_a_500(api):
    bad = [
        {"symbol": "<script>alert(1)</script>"},
        {"symbol": ""},
        {"symbol": "x" * 5000},
        {"symbol": "\x00"},
        {"timeframe": ""},
        {"timeframe": "<b>1h</b>"},
        {"emas": ",,,"},
        {"emas": "10.5"},
        {"start": "99999999999999999999"},
        {"end": "-1"},
        {"start": "2024-01-01", "end": "2024-01-01"},
        {"limit": "-5"},
    ]
    for params in bad:
        response = ohlcv(api, **params)
        assert response.status_code < 500, (params, response.text)
        assert "detail" in response.json() or response.status_code == 200


# -- the page, the download and the docs -----------------------------------------------------


def test_root_leads_to_the_chart(api):
    response = api.get("/", follow_redirects=False)
    assert response.status_code in (302, 307) and response.headers["location"] == "/chart"


def test_chart_page_errors_keep_status_and_escape(api):
    response = api.get("/chart", params={"symbol": "<script>alert(1)</script>"})
    assert response.status_code == 404
    assert "<script>alert(1)</script>" not in response.text
    assert "script-src 'self';" in response.headers["content-security-policy"]
    response = api.get("/chart", params={"symbol": SMALL_SYMBOL, "timeframe": "5m"})
    assert response.status_code == 422
    response = api.get("/chart", params={"symbol": SMALL_SYMBOL, "ema_10": "maybe"})
    assert response.status_code == 422
    assert "use true or false" in response.text


@pytest.mark.parametrize("name", ["ema_", "ema_10,21", "ema_x", "ema_1", "EMA_2000"])
def test_chart_page_bad_ema_flags_are_422(api, name):
    response = api.get("/chart", params={"symbol": SMALL_SYMBOL, name: "true"})
    assert response.status_code == 422
    assert "EMA period" in response.text  # the error, not only the toggles' labels


def test_chart_page_offers_extra_ema_from_the_url(api):
    response = api.get("/chart", params={"symbol": SMALL_SYMBOL, "ema_7": "true"})
    assert response.status_code == 200
    assert 'data-period="7" checked' in response.text
    assert 'data-period="10">' in response.text  # offered, not shown


def test_download_is_one_standalone_file(api):
    response = api.get("/chart.html", params={"symbol": SMALL_SYMBOL, "download": "1"})
    assert response.status_code == 200
    assert f'attachment; filename="{SMALL_SYMBOL}.html"' in response.headers["content-disposition"]
    html = response.text
    assert "<script src=" not in html and '<link rel="stylesheet"' not in html
    assert "TradingView Lightweight Charts" in html  # the packaged library, inlined
    assert "window.superChart" in html


def test_lightweight_charts_js_is_the_vendored_v5_build(api):
    response = api.get("/assets/lightweight-charts.js")
    assert response.status_code == 200
    assert "Lightweight Charts™ v5" in response.text[:300]


def test_docs_load_no_cdn_and_describe_every_parameter(api):
    html = api.get("/docs").text
    assert "cdn" not in html.lower()
    for asset in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert asset.startswith("/"), asset
        assert api.get(asset).status_code == 200
    spec = api.get("/openapi.json").json()
    operation = spec["paths"]["/api/ohlcv"]["get"]
    names = {p["name"]: p for p in operation["parameters"]}
    assert set(names) == {
        "symbol",
        "timeframe",
        "emas",
        "indicators",
        "chart",
        "start",
        "end",
        "limit",
        "format",
        "feed",
    }
    assert all(p.get("description") for p in names.values())
    assert {"200", "304", "404", "422", "502", "503", "504"} <= set(operation["responses"])
    assert all(p["schema"].get("examples") for p in names.values())
    assert "5,000" in names["limit"]["description"] and "100,000" in names["limit"]["description"]
    headers = operation["responses"]["200"]["headers"]
    declared = {"ETag", "Cache-Control", "X-Total-Bars", "X-Has-More-Before", "X-Notices"}
    assert declared <= set(headers)
    assert "ETag" in operation["responses"]["304"]["headers"]
    examples = {
        code: operation["responses"][code]["content"]["application/json"]["examples"]
        for code in ("404", "422", "502", "503", "504")
    }
    assert examples["404"]["unknown symbol"]["value"]["suggestions"] == ["sample_ohlcv"]
    assert "Allowed: 1m, 5m" in examples["422"]["bad timeframe"]["value"]["detail"]
    assert "2 to 1000" in examples["422"]["bad EMA period"]["value"]["detail"]
    assert all(examples[code] for code in ("502", "503", "504"))
    symbols = spec["paths"]["/api/symbols"]["get"]["responses"]
    assert {"502", "503", "504"} <= set(symbols)
    chart = spec["paths"]["/chart"]["get"]
    assert {"ema_10", "ema_21", "ema_50", "ema_150"} <= {p["name"] for p in chart["parameters"]}
