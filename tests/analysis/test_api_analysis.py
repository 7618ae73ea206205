"""GET /api/analysis on a real server: the contract's shape, its caps (422), unknown symbols
(404), and the levels and spikes a user of the range and spiky symbols should see."""

from __future__ import annotations

import httpx
import pytest

CONTRACT = {
    "symbol",
    "timeframe",
    "as_of",
    "last_close",
    "levels",
    "volume_spikes",
    "signals",
    "summary",
    "narrative",
    "narrative_source",
}


def test_the_answer_has_the_contract_fields(analysis_api: httpx.Client) -> None:
    response = analysis_api.get("/api/analysis", params={"symbol": "sample_ohlcv"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= CONTRACT
    assert body["symbol"] == "sample_ohlcv" and body["timeframe"] == "1h"
    assert isinstance(body["as_of"], int) and body["as_of"] > 1_500_000_000
    assert body["bars"] == 500  # the default lookback
    assert [s["name"] for s in body["signals"]] == ["trend", "rsi", "macd", "bollinger", "level"]
    for signal in body["signals"]:
        assert set(signal) == {"name", "state", "state_label", "detail"}
        assert signal["state"] != "unknown" and "_" not in signal["state_label"]
    for level in body["levels"]:
        assert set(level) == {"price", "kind", "touches", "first_time", "last_time", "strength"}
    assert 1 <= len(body["levels"]) <= 8
    assert body["summary"].startswith("sample_ohlcv on 1h closed at")


def test_levels_of_the_range_symbol(analysis_api: httpx.Client) -> None:
    body = analysis_api.get("/api/analysis", params={"symbol": "range", "levels": 2}).json()
    prices = sorted(level["price"] for level in body["levels"])
    assert len(prices) == 2
    assert abs(prices[0] - 100) <= 1 and abs(prices[1] - 110) <= 1.1


def test_spikes_respect_window_and_sigma(analysis_api: httpx.Client) -> None:
    loose = analysis_api.get(
        "/api/analysis", params={"symbol": "spiky", "spike_sigma": 2, "spike_window": 10}
    ).json()
    strict = analysis_api.get("/api/analysis", params={"symbol": "spiky", "spike_sigma": 6}).json()
    assert len(loose["volume_spikes"]) > len(strict["volume_spikes"])
    window_start = loose["as_of"] - (loose["bars"] - 1) * 3600
    for spike in loose["volume_spikes"]:
        assert window_start <= spike["time"] <= loose["as_of"]
        assert spike["volume"] > spike["mean"] + 2 * spike["std"]


def test_end_and_lookback_pick_the_window(analysis_api: httpx.Client) -> None:
    whole = analysis_api.get("/api/analysis", params={"symbol": "range"}).json()
    earlier = whole["as_of"] - 100 * 3600
    body = analysis_api.get(
        "/api/analysis", params={"symbol": "range", "end": earlier, "lookback": 50}
    ).json()
    assert body["as_of"] == earlier and body["bars"] == 50


@pytest.mark.parametrize(
    ("params", "parameter", "limit"),
    [
        ({"lookback": 20_001}, "lookback", "20000"),
        ({"lookback": 5}, "lookback", "20"),
        ({"levels": 21}, "levels", "20"),
        ({"levels": 0}, "levels", "1"),
        ({"spike_window": 501}, "spike_window", "500"),
        ({"spike_window": 2}, "spike_window", "5"),
        ({"spike_sigma": 25}, "spike_sigma", "20"),
        ({"spike_sigma": "nan"}, "spike_sigma", "finite"),
        ({"lang": "not a language"}, "lang", "pattern"),
        ({"end": "yesterday"}, "end", "ISO 8601"),
        ({"timeframe": "7x"}, "timeframe", "7x"),
        ({"symbol": "x" * 201}, "symbol", "200"),
    ],
)
def test_bad_parameters_are_422_naming_the_limit(
    analysis_api: httpx.Client, params: dict, parameter: str, limit: str
) -> None:
    response = analysis_api.get("/api/analysis", params={"symbol": "range", **params})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["parameter"] == parameter
    assert limit in body["detail"]


def test_unknown_symbol_is_404(analysis_api: httpx.Client) -> None:
    response = analysis_api.get("/api/analysis", params={"symbol": "nope"})
    assert response.status_code == 404
    assert "nope" in response.json()["detail"]


def test_a_broken_file_is_a_clear_422(analysis_api: httpx.Client) -> None:
    response = analysis_api.get("/api/analysis", params={"symbol": "broken"})
    assert response.status_code == 422
    assert response.json()["detail"]


def test_short_history_says_what_is_missing(analysis_api: httpx.Client) -> None:
    body = analysis_api.get("/api/analysis", params={"symbol": "short"}).json()
    trend = next(s for s in body["signals"] if s["name"] == "trend")
    assert trend["state"] == "unknown" and "needs 201 bars, has 50" in trend["detail"]


def test_v1_analyze_with_an_llm_has_the_models_narratives(analysis_api: httpx.Client) -> None:
    """#22: with LLM_* set, the Persian summary is the model's (asked in fa) and the detailed
    English analysis opens with the model's English narrative."""
    body = analysis_api.post("/api/v1/analyze", json={"pair": "llm_ok", "limit": 100}).json()
    assert body["status"] == "success"
    assert body["analysis_summarized"] == "LLM narrative for llm_ok in fa."
    assert "\n\nLLM narrative for llm_ok in en.\n\nSignals:" in body["analysis"]
