"""GET /report: a standalone HTML file that draws its chart offline, and Markdown."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from app.core.analysis.signals import STATE_LABELS
from app.core.precision import price_text


class Links(HTMLParser):
    """Every URL the page's tags would load or link to."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts_with_src = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "data", "action") and value:
                self.urls.append(value)
        if tag == "script" and dict(attrs).get("src"):
            self.scripts_with_src += 1


@pytest.fixture(scope="module")
def report_html(analysis_api: httpx.Client) -> httpx.Response:
    return analysis_api.get("/report", params={"symbol": "range", "timeframe": "1h"})


def test_the_html_report_is_one_file_with_every_section(
    report_html: httpx.Response, analysis_api: httpx.Client
) -> None:
    assert report_html.status_code == 200
    assert report_html.headers["content-type"].startswith("text/html")
    assert 'filename="report-range-1h.html"' in report_html.headers["content-disposition"]
    text = report_html.text
    analysis = analysis_api.get("/api/analysis", params={"symbol": "range"}).json()
    for heading in ("Summary", "Narrative", "Signals", "Support and resistance", "Volume spikes"):
        assert f"<h2>{heading}</h2>" in text
    assert analysis["summary"].split(" and ")[0] in text
    for signal in analysis["signals"]:  # in words, not the program's state word
        assert f"<td>{STATE_LABELS[signal['state']]}</td>" in text
    assert len(analysis["levels"]) >= 2
    for level in analysis["levels"]:  # the range's levels, in the table
        assert (
            f"<td class='num'>{price_text(level['price'], analysis['price_precision'])}</td>"
            in text
        )
    links = Links()
    links.feed(text)
    assert links.scripts_with_src == 0  # plotly.js is inline
    assert [u for u in links.urls if not u.startswith("#")] == []


def test_the_markdown_report(analysis_api: httpx.Client) -> None:
    response = analysis_api.get("/report", params={"symbol": "spiky", "format": "md"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    text = response.text
    assert text.startswith("# spiky 1h analysis\n")
    assert "| signal | state | detail |" in text
    assert "| kind | price | touches | first touch | last touch | strength |" in text
    assert "## Volume spikes" in text and "| time | volume | mean | std |" in text


def test_report_parameters_are_checked(analysis_api: httpx.Client) -> None:
    assert analysis_api.get("/report", params={"symbol": "nope"}).status_code == 404
    bad = analysis_api.get("/report", params={"symbol": "range", "format": "pdf"})
    assert bad.status_code == 422 and bad.json()["parameter"] == "format"


def test_the_llm_narrative_is_in_the_report(analysis_api: httpx.Client) -> None:
    text = analysis_api.get("/report", params={"symbol": "llm_ok", "format": "md"}).text
    assert "LLM narrative for llm_ok in en." in text
    assert "Written by the configured LLM" in text


def test_an_llm_narrative_is_text_never_markup(analysis_api: httpx.Client) -> None:
    text = analysis_api.get("/report", params={"symbol": "llm_html"}).text
    assert "&lt;script&gt;document.title=&#x27;owned&#x27;&lt;/script&gt;Up." in text
    assert "<script>document.title" not in text


def test_the_markdown_report_is_an_inert_download(analysis_api: httpx.Client) -> None:
    response = analysis_api.get("/report", params={"symbol": "llm_html", "format": "md"})
    assert response.status_code == 200
    assert "<script>" not in response.text  # was written raw (#19)
    assert "&lt;script&gt;document.title=&#x27;owned&#x27;&lt;/script&gt;Up." in response.text
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "default-src 'none'; sandbox"


@pytest.mark.browser
def test_the_saved_report_draws_its_chart_offline(
    report_html: httpx.Response, page, tmp_path: Path
) -> None:
    """Saved to disk and opened from there, as a user would: candles, level lines and spike
    markers drawn, no request leaving the file, no console error."""
    saved = tmp_path / "report.html"
    saved.write_bytes(report_html.content)
    page.route(
        "**/*",
        lambda route: route.abort() if route.request.url.startswith("http") else route.continue_(),
    )
    page.goto(saved.as_uri())
    page.wait_for_selector("#chart .main-svg")
    # plotly.js makes its frame first, then the traces, shapes and annotations: wait for the
    # drawing to be done (its promise) before counting what it drew.
    page.wait_for_function(
        "() => { const gd = document.getElementById('chart');"
        " return gd && gd._fullLayout && !(gd._promises && gd._promises.length)"
        " && gd.querySelector('.annotation-text') !== null; }"
    )
    assert page.locator("#chart g.trace.boxes, #chart g.candlestick").count() >= 1
    level_lines = page.locator("#chart .shapelayer path").count()
    assert level_lines >= 2
    labels = page.locator("#chart .annotation-text").evaluate_all(
        "nodes => nodes.map(node => node.textContent)"
    )
    assert any(label.startswith("S 100") for label in labels), labels
    assert page.locator("#summary").inner_text().startswith("range on 1h closed at")
    assert page.watch.external_requests == []
    assert page.watch.console_errors == []
    if shot := __import__("os").environ.get("ANALYSIS_REPORT_SHOT"):
        page.screenshot(path=shot, full_page=True)
