"""POST /api/v1/analyze as the v1 service's clients call it: their field names, pair spellings
and timeframe words; their error shape; the Persian summary without any LLM."""

from __future__ import annotations

import base64
import re

import httpx
import pytest

from tests.analyze.conftest import FX_DECIMALS

PERSIAN = re.compile(r"[\u0600-\u06FF]")
FIELDS = {"status", "analysis", "analysis_summarized", "message", "chart_image_base64"}


def analyze(api: httpx.Client, **body: object) -> httpx.Response:
    return api.post("/api/v1/analyze", json=body)


def western(text: str) -> str:
    return text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹٬٫", "0123456789,."))


@pytest.mark.parametrize(
    ("pair", "symbol"),
    [
        ("eth_usdt", "ETHUSDT"),
        ("ETHUSDT", "ETHUSDT"),
        ("ETH/USDT", "ETHUSDT"),
        ("eth-usdt", "ETHUSDT"),
        ("btcusdt", "BTC_USDT"),
        ("BTC/USDT", "BTC_USDT"),
    ],
)
def test_their_pair_spellings_find_our_files(v1_api: httpx.Client, pair: str, symbol: str):
    response = analyze(v1_api, pair=pair, timeframe="hour4", limit=120)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == FIELDS
    assert body["status"] == "success" and body["message"] is None
    assert body["analysis"].startswith(f"{symbol} on 4h: technical analysis of 120 bars")
    assert f"نماد {symbol} در تایم‌فریم 4h" in body["analysis_summarized"]


def test_every_field_of_a_success(v1_api: httpx.Client):
    body = analyze(v1_api, pair="eth_usdt", timeframe="day1", limit=100).json()
    assert body["status"] == "success" and body["message"] is None
    english = body["analysis"]
    for section in ("Signals:", "Support and resistance", "Volume spikes", "- Trend:", "- RSI:"):
        assert section in english
    assert " on 1d: technical analysis of 100 bars" in english
    assert PERSIAN.search(body["analysis_summarized"])
    assert not PERSIAN.search(english)
    image = body["chart_image_base64"]
    assert image.startswith("data:image/png;base64,")
    png = base64.b64decode(image.removeprefix("data:image/png;base64,"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


@pytest.mark.parametrize(
    ("word", "shown"),
    [("hour1", "1h"), ("hour8", "8h"), ("hour12", "12h"), ("day1", "1d"), ("week1", "1w"),
     ("4h", "4h"), ("3d", "3d"), ("H8", "8h")],
)  # fmt: skip
def test_their_timeframe_words_and_ours(v1_api: httpx.Client, word: str, shown: str):
    body = analyze(v1_api, pair="ETHUSDT", timeframe=word, limit=20).json()
    assert body["status"] == "success", body
    assert body["analysis"].startswith(f"ETHUSDT on {shown}:")


def test_limit_defaults_to_200_and_bounds_the_bars(v1_api: httpx.Client):
    assert "of 200 bars" in analyze(v1_api, pair="ETHUSDT").json()["analysis"]
    assert "of 2,000 bars" in analyze(v1_api, pair="ETHUSDT", limit=2000).json()["analysis"]
    assert "of 1 bars" in analyze(v1_api, pair="ETHUSDT", limit=1).json()["analysis"]


def _error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == "error" and body["message"]
    assert body["analysis"] is None and body["chart_image_base64"] is None
    return body


def test_errors_keep_their_shape_and_our_statuses(v1_api: httpx.Client):
    unknown = _error(analyze(v1_api, pair="doge_usdt"), 404)
    assert "doge_usdt" in unknown["message"]
    assert _error(analyze(v1_api, pair="ETHUSDT", limit=0), 422)["parameter"] == "limit"
    assert _error(analyze(v1_api, pair="ETHUSDT", limit=2001), 422)["parameter"] == "limit"
    bad_tf = _error(analyze(v1_api, pair="ETHUSDT", timeframe="minute7"), 422)
    assert "minute1" in bad_tf["message"] and bad_tf["parameter"] == "timeframe"
    finer = _error(analyze(v1_api, pair="ETHUSDT", timeframe="minute5"), 422)
    assert "finer" in finer["message"]
    assert _error(analyze(v1_api, pair="../../etc/passwd"), 422)["parameter"] == "pair"
    assert _error(analyze(v1_api), 422)["parameter"] == "pair"
    not_json = v1_api.post(
        "/api/v1/analyze", content=b"{pair", headers={"content-type": "application/json"}
    )
    assert "not JSON" in _error(not_json, 422)["message"]
    huge = v1_api.post("/api/v1/analyze", json={"pair": "ETHUSDT", "pad": "x" * 20_000})
    assert "16,384 bytes" in _error(huge, 413)["message"]
    chunks = (b'{"pair": "ETHUSDT", "pad": "' + b"x" * 4096 for _ in range(5))  # no length
    chunked = v1_api.post(
        "/api/v1/analyze", content=chunks, headers={"content-type": "application/json"}
    )
    assert "16,384 bytes" in _error(chunked, 413)["message"]
    small = v1_api.post(
        "/api/v1/analyze",
        content=iter([b'{"pair": "eth', b'usdt", "limit": 30}']),
        headers={"content-type": "application/json"},
    )
    assert small.status_code == 200 and "of 30 bars" in small.json()["analysis"]
    broken = _error(analyze(v1_api, pair="broken"), 422)
    assert "Traceback" not in broken["message"]


def test_persian_summary_without_an_llm_at_the_symbols_precision(v1_api: httpx.Client):
    body = analyze(v1_api, pair="eur_usd", timeframe="hour1", limit=300).json()
    summary = body["analysis_summarized"]
    assert PERSIAN.search(summary) and summary.startswith("نماد EURUSD")
    prices = re.findall(r"\d+\.\d+", western(summary))
    assert prices and all(len(p.split(".")[1]) == FX_DECIMALS for p in prices[:1])
    close = re.search(r"last close (\d+\.\d+)", body["analysis"]).group(1)
    assert len(close.split(".")[1]) == FX_DECIMALS
    assert close in western(summary)  # the same fact in both languages


def test_analysis_and_report_in_persian_right_to_left(v1_api: httpx.Client):
    answer = v1_api.get("/api/analysis", params={"symbol": "EURUSD", "lang": "fa"}).json()
    assert answer["narrative_source"] == "rules" and answer["narrative_lang"] == "fa"
    assert answer["narrative_dir"] == "rtl" and PERSIAN.search(answer["narrative"])
    assert not PERSIAN.search(answer["summary"])  # the English summary stays
    report = v1_api.get("/report", params={"symbol": "EURUSD", "lang": "fa"}).text
    assert re.search(r"<p id='narrative' lang='fa' dir='rtl'>نماد EURUSD", report)


def test_cache_stats_count_the_analysis_and_images(v1_api: httpx.Client):
    before = v1_api.get("/api/v1/cache-stats").json()["caches"]
    analyze(v1_api, pair="ETHUSDT", timeframe="hour4", limit=50)
    analyze(v1_api, pair="ETHUSDT", timeframe="hour4", limit=50)
    after = v1_api.get("/api/v1/cache-stats").json()["caches"]
    assert set(after) == {"answers", "images", "analysis"}
    assert after["analysis"]["hits"] >= before["analysis"]["hits"] + 1
    assert after["analysis"]["entries"] >= 1 and after["analysis"]["bytes"] > 0
    assert after["images"]["entries"] >= 1 and after["images"]["bytes"] > 0
