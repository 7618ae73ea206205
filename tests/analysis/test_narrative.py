"""The LLM narrative against a real stand-in server: the answer used, the language asked for,
and every failure (timeout, 500, refusal, garbage, no settings) falling back to the rules with a
reason, the key never shown nor logged."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import httpx
import pytest

from app.config import load_settings
from app.core.analysis import analyse
from app.core.synthetic import synthetic_ohlcv
from app.llm import clear_narrative_cache, narrate
from app.llm.narrative import run_blocking
from tests.analysis.conftest import LLM_KEY, LLM_TIMEOUT
from tests.analysis.llm_stand_in import StandIn


def fetch(api: httpx.Client, symbol: str, **params: object) -> dict:
    response = api.get("/api/analysis", params={"symbol": symbol, **params})
    assert response.status_code == 200, response.text
    assert LLM_KEY not in response.text
    return response.json()


def test_the_llm_writes_the_narrative_from_the_structured_analysis(
    analysis_api: httpx.Client, stand_in: StandIn
) -> None:
    body = fetch(analysis_api, "llm_ok")
    assert body["narrative_source"] == "llm"
    assert body["narrative"] == "LLM narrative for llm_ok in en."
    assert body["narrative_reason"] is None
    assert body["summary"] != body["narrative"]
    sent = next(r for r in stand_in.requests if '"llm_ok"' in r["body"]["messages"][1]["content"])
    assert sent["auth"] == f"Bearer {LLM_KEY}"
    assert sent["body"]["model"] == "stand-in-model"
    user = sent["body"]["messages"][1]["content"]
    assert '"levels"' in user and '"signals"' in user
    assert '"open"' not in user and len(user) < 20_000  # the analysis, not the raw bars


def test_lang_asks_for_that_language_and_answers_are_cached(
    analysis_api: httpx.Client, stand_in: StandIn
) -> None:
    before = len(stand_in.requests)
    first = fetch(analysis_api, "llm_ok", lang="fa")
    again = fetch(analysis_api, "llm_ok", lang="fa")
    assert first["narrative"] == again["narrative"] == "LLM narrative for llm_ok in fa."
    assert len(stand_in.requests) == before + 1  # the second came from the cache


def test_a_timeout_falls_back_to_the_rules_within_the_deadline(analysis_api: httpx.Client) -> None:
    started = time.monotonic()
    body = fetch(analysis_api, "llm_slow")
    assert time.monotonic() - started < LLM_TIMEOUT + 2.0  # the stand-in takes 4 s
    assert body["narrative_source"] == "rules"
    assert body["narrative"] == body["summary"]
    assert "did not answer within 1.5 s" in body["narrative_reason"]


@pytest.mark.parametrize(
    ("symbol", "reason"),
    [
        ("llm_500", "HTTP 500"),
        ("llm_refuse", "refused"),
        ("llm_garbage", "not a chat completion"),
    ],
)
def test_failures_fall_back_to_the_rules_with_a_reason(
    analysis_api: httpx.Client, symbol: str, reason: str
) -> None:
    body = fetch(analysis_api, symbol)
    assert body["narrative_source"] == "rules"
    assert body["narrative"] == body["summary"]
    assert reason in body["narrative_reason"]


def test_the_key_is_redacted_from_an_echoing_llm_and_never_logged(
    analysis_api: httpx.Client, server_log: Path
) -> None:
    body = fetch(analysis_api, "llm_echo")
    assert body["narrative_source"] == "llm"
    assert body["narrative"] == "Your header was Bearer ***."
    fetch(analysis_api, "llm_500")  # its error page holds the key too
    log = server_log.read_text()
    assert "fell back to rules: the LLM answered HTTP 500" in log  # the log is the right one
    assert LLM_KEY not in log


def key_pieces(text: str, run: int = 8) -> list[str]:
    """Every run of ``run`` characters of the key found in ``text``, case ignored."""
    folded = text.lower()
    pieces = {LLM_KEY[i : i + run].lower() for i in range(len(LLM_KEY) - run + 1)}
    return sorted(piece for piece in pieces if piece in folded)


@pytest.mark.parametrize("symbol", ["llm_straddle", "llm_pieces"])
def test_no_piece_of_the_key_survives_in_answers_reports_or_logs(
    analysis_api: httpx.Client, server_log: Path, symbol: str
) -> None:
    body = fetch(analysis_api, symbol)
    assert body["narrative_source"] == "llm"
    narrative = body["narrative"]
    assert key_pieces(narrative) == []  # was "sk-test-5ecret" (14 of 31 characters) at the cut
    assert len(narrative) <= 4000 and "***" in narrative
    if symbol == "llm_straddle":
        assert narrative.endswith("Trend *** and more.")  # redacted first: it fits now
    else:
        assert narrative == "A *** b *** c *** d *** e."
    for fmt in ("md", "html"):
        report = analysis_api.get("/report", params={"symbol": symbol, "format": fmt})
        assert report.status_code == 200 and key_pieces(report.text) == []
    assert key_pieces(server_log.read_text()) == []


def _settings(stand_in: StandIn, **overrides: object):
    values = {
        "llm_api_base": stand_in.base,
        "llm_api_key": LLM_KEY,
        "llm_model": "m",
        "llm_timeout": 1.0,
        **overrides,
    }
    return load_settings(**values)


@pytest.mark.parametrize("missing", [{"llm_api_base": ""}, {"llm_api_key": ""}, {"llm_model": " "}])
def test_a_missing_setting_means_rules_and_no_call(
    stand_in: StandIn, missing: dict, caplog: pytest.LogCaptureFixture
) -> None:
    clear_narrative_cache()
    before = len(stand_in.requests)
    analysis = analyse(synthetic_ohlcv(300), symbol="llm_ok", timeframe="1h")
    told = run_blocking(narrate(analysis, _settings(stand_in, **missing), "fa"))
    # lang=fa without an LLM: the Persian rule summary (#22), not the English one
    assert told.narrative_source == "rules" and told.narrative == analysis.summary_in("fa")
    assert told.narrative_lang == "fa" and told.as_json()["narrative_dir"] == "rtl"
    assert "LLM_API_BASE, LLM_API_KEY and LLM_MODEL" in told.narrative_reason
    assert len(stand_in.requests) == before


def test_in_process_failures_are_logged_without_the_key(
    stand_in: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    clear_narrative_cache()
    caplog.set_level(logging.DEBUG)
    analysis = analyse(synthetic_ohlcv(300), symbol="llm_500", timeframe="1h")
    told = run_blocking(narrate(analysis, _settings(stand_in), None))
    assert told.narrative_source == "rules" and "HTTP 500" in told.narrative_reason
    assert "HTTP 500" in caplog.text
    assert LLM_KEY not in caplog.text
    assert LLM_KEY not in repr(_settings(stand_in))


def test_an_unreachable_llm_falls_back(stand_in: StandIn) -> None:
    clear_narrative_cache()
    from tests.live_server import free_port

    analysis = analyse(synthetic_ohlcv(300), symbol="llm_ok", timeframe="1h")
    dead = f"http://127.0.0.1:{free_port()}/v1"
    told = run_blocking(narrate(analysis, _settings(stand_in, llm_api_base=dead), None))
    assert told.narrative_source == "rules"
    assert "could not be reached" in told.narrative_reason


def test_front_ends_without_an_event_loop_get_the_same_narrative(
    stand_in: StandIn, analysis_data_dir: Path
) -> None:
    """What Streamlit and Dash call: analyse_symbol from the configured files, narrate_blocking."""
    from app.core.analysis import analyse_symbol
    from app.llm import narrate_blocking

    clear_narrative_cache()
    settings = _settings(
        stand_in, data_dir=analysis_data_dir, csv_path=analysis_data_dir / "sample_ohlcv.csv"
    )
    view, analysis = analyse_symbol("llm_ok", lookback=300, settings=settings)
    assert analysis.bars == 300 and len(view.frame) == 700  # all 700: 300 + up to 400 warm-up
    told = narrate_blocking(analysis, settings, "de")
    assert told.narrative == "LLM narrative for llm_ok in de."


def test_calls_over_the_in_flight_cap_fall_back_at_once(stand_in: StandIn) -> None:
    """Five narratives at once against a slow LLM: four wait for it (and time out), the fifth
    is told the LLM is busy instead of queueing."""
    from app.llm.narrative import MAX_CALLS_IN_FLIGHT

    clear_narrative_cache()
    analysis = analyse(synthetic_ohlcv(300), symbol="llm_slow", timeframe="1h")
    settings = _settings(stand_in, llm_timeout=0.5)
    langs = ["en", "fa", "de", "fr", "es"][: MAX_CALLS_IN_FLIGHT + 1]

    async def all_at_once():
        return await asyncio.gather(*(narrate(analysis, settings, lang) for lang in langs))

    told = run_blocking(all_at_once())
    reasons = [t.narrative_reason for t in told]
    assert sum("busy" in r for r in reasons) == 1, reasons
    assert sum("did not answer within 0.5 s" in r for r in reasons) == MAX_CALLS_IN_FLIGHT
    again = run_blocking(narrate(analysis, settings, "it"))  # the slots were given back
    assert "did not answer" in again.narrative_reason
