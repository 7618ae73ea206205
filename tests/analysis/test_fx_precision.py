"""Prices at the symbol's precision everywhere a person (or the LLM) reads them: an FX pair
quoted at 5 decimals keeps them in the summary, the signals, the API's levels note, the LLM's
facts and both reports (#20)."""

from __future__ import annotations

import json
import re

import httpx

from tests.analysis.llm_stand_in import StandIn

FIVE = re.compile(r"^-?\d[\d,]*\.\d{5}$")


def _prices_in(text: str) -> list[str]:
    """The prices a sentence quotes (after 'at', 'close', 'support', 'resistance')."""
    return re.findall(r"(?:at|close|support|resistance) (\d[\d,]*\.\d+)", text)


def test_the_llm_is_sent_prices_as_the_symbol_writes_them(
    analysis_api: httpx.Client, stand_in: StandIn
) -> None:
    body = analysis_api.get("/api/analysis", params={"symbol": "llm_fx"}).json()
    assert body["price_precision"] == 5
    assert body["narrative_source"] == "llm"
    sent = next(r for r in stand_in.requests if '"llm_fx"' in r["body"]["messages"][1]["content"])
    facts = json.loads(sent["body"]["messages"][1]["content"])
    assert facts["price_decimals"] == 5
    assert FIVE.match(facts["last_close"]), facts["last_close"]
    assert facts["levels"] and all(FIVE.match(level["price"]) for level in facts["levels"])
    assert "exactly" in sent["body"]["messages"][0]["content"]  # told to keep them so
    quoted = _prices_in(facts["summary"])
    assert quoted and all(FIVE.match(p) for p in quoted)


def test_the_summary_and_signals_quote_five_decimals(analysis_api: httpx.Client) -> None:
    body = analysis_api.get("/api/analysis", params={"symbol": "llm_fx"}).json()
    quoted = _prices_in(body["summary"])
    assert len(quoted) >= 2 and all(FIVE.match(p) for p in quoted), body["summary"]
    assert f"closed at {body['last_close']:.5f}" in body["summary"]
    level = next(s for s in body["signals"] if s["name"] == "level")
    in_level = _prices_in(level["detail"])
    assert in_level and all(FIVE.match(p) for p in in_level), level["detail"]


def test_both_reports_write_every_level_at_five_decimals(analysis_api: httpx.Client) -> None:
    body = analysis_api.get("/api/analysis", params={"symbol": "llm_fx"}).json()
    html = analysis_api.get("/report", params={"symbol": "llm_fx"}).text
    markdown = analysis_api.get("/report", params={"symbol": "llm_fx", "format": "md"}).text
    assert (
        f"close {body['last_close']:.5f}" in html and f"close {body['last_close']:.5f}" in markdown
    )
    for level in body["levels"]:
        assert f"<td class='num'>{level['price']:,.5f}</td>" in html
        assert f"| {level['kind']} | {level['price']:,.5f} |" in markdown
    labels = re.findall(r'"text":"([SR] [^"]+)"', html)  # the chart's level labels
    assert labels and all(FIVE.match(label.split()[1]) for label in labels), labels
