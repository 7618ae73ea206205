"""With no LLM configured, a report says so and shows the rule summary once, not twice under
two headings (#20); an FX pair's report keeps its 5 decimals."""

from __future__ import annotations

import httpx


def test_the_html_report_shows_the_summary_once_and_says_no_llm(v1_api: httpx.Client) -> None:
    body = v1_api.get("/api/analysis", params={"symbol": "EURUSD"}).json()
    assert body["narrative_source"] == "rules" and body["price_precision"] == 5
    html = v1_api.get("/report", params={"symbol": "EURUSD"}).text
    assert html.count(body["summary"]) == 1
    assert "<h2>Narrative</h2>" in html and "id='narrative'" not in html
    assert "No LLM narrative (no LLM is configured" in html
    assert f"close {body['last_close']:.5f}" in html


def test_the_markdown_report_shows_the_summary_once(v1_api: httpx.Client) -> None:
    body = v1_api.get("/api/analysis", params={"symbol": "EURUSD"}).json()
    markdown = v1_api.get("/report", params={"symbol": "EURUSD", "format": "md"}).text
    assert markdown.count(body["summary"]) == 1
    assert "_No LLM narrative (no LLM is configured" in markdown
