"""The analysis on the chart page in a real Chromium: the Levels and Volume spikes toggles draw
what /api/analysis answers (price lines with touch counts, markers on the volume bars), the panel
shows the signals and summary and links to the report, and the Scanner opens a symbol's chart."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import BIG_SYMBOL, BROKEN_SYMBOL, SMALL_SYMBOL
from tests.web.test_chart_page import READY, assert_clean, open_chart

pytestmark = pytest.mark.browser

DRAWN = "() => window.superChart.analysis.drawn()"


def analysis_of(api, symbol: str, timeframe: str) -> dict:
    response = api.get("/api/analysis", params={"symbol": symbol, "timeframe": timeframe})
    assert response.status_code == 200
    return response.json()


def test_levels_toggle_draws_each_level_with_its_touches(page, server, api):
    expected = analysis_of(api, SMALL_SYMBOL, "1h")["levels"]
    assert expected
    open_chart(page, server, symbol=SMALL_SYMBOL)
    assert page.evaluate(DRAWN)["lines"] == []
    page.get_by_label("Levels").check()
    page.wait_for_function(
        f"() => window.superChart.analysis.drawn().lines.length === {len(expected)}"
    )
    lines = page.evaluate(DRAWN)["lines"]
    assert [line["price"] for line in lines] == [level["price"] for level in expected]
    for line, level in zip(lines, expected, strict=True):
        assert (
            line["title"] == ("S" if level["kind"] == "support" else "R") + f" ×{level['touches']}"
        )
    assert "levels=true" in page.url
    # The lines follow the prices into another chart type, and go when unticked.
    page.select_option("#chart-type", "line")
    assert len(page.evaluate(DRAWN)["lines"]) == len(expected)
    page.get_by_label("Levels").uncheck()
    assert page.evaluate(DRAWN)["lines"] == []
    assert_clean(page)


def test_spikes_toggle_marks_the_spike_bars_from_a_link(page, server, api):
    spikes = analysis_of(api, SMALL_SYMBOL, "1h")["volume_spikes"]
    assert spikes
    open_chart(page, server, symbol=SMALL_SYMBOL, spikes="true")
    page.wait_for_function("() => window.superChart.analysis.drawn().markers.length > 0")
    markers = page.evaluate(DRAWN)["markers"]
    held = set(page.evaluate("() => window.superChart.data.columns.time"))
    assert [m["time"] for m in markers] == [s["time"] for s in spikes if s["time"] in held]
    assert all(re.fullmatch(r"z \d+\.\d", m["text"]) for m in markers)
    assert page.get_by_label("Volume spikes").is_checked()
    assert_clean(page)


def test_analysis_panel_shows_signals_summary_and_links_the_report(page, server, api):
    body = analysis_of(api, SMALL_SYMBOL, "1h")
    open_chart(page, server, symbol=SMALL_SYMBOL)
    page.get_by_role("button", name="Analysis").click()
    panel = page.locator("#analysis-panel")
    panel.locator(".summary").wait_for()
    assert panel.locator(".summary").text_content() == body["narrative"]
    assert panel.locator(".signals dt").all_text_contents() == [s["name"] for s in body["signals"]]
    states = [s["state_label"] for s in body["signals"]]  # in words, not "below_signal"
    assert [t.split(s)[0] for t, s in zip(panel.locator(".signals dd").all_text_contents(),
            [x["detail"] for x in body["signals"]], strict=True)] == states  # fmt: skip
    assert panel.locator(".analysis-scope").text_content() == body["scope"]
    assert body["scope"].startswith("Analysis of the last ")
    link = panel.get_by_role("link", name="Open the report")
    href = link.get_attribute("href")
    assert href == f"/report?symbol={SMALL_SYMBOL}&timeframe=1h"
    assert api.get(href).status_code == 200
    page.get_by_role("button", name="Close the analysis").click()
    assert panel.is_hidden()
    assert_clean(page)


def test_scanner_lists_symbols_sorts_and_opens_a_chart(page, server):
    open_chart(page, server, symbol=SMALL_SYMBOL)
    page.get_by_role("button", name="Scanner").click()
    rows = page.locator("#scanner-dialog tbody tr")
    rows.first.wait_for(timeout=60_000)
    symbols = [row.get_attribute("data-symbol") for row in rows.all()]
    assert {SMALL_SYMBOL, BIG_SYMBOL, BROKEN_SYMBOL} <= set(symbols)
    assert "failed" in page.locator(f"tr[data-symbol='{BROKEN_SYMBOL}']").get_attribute("class")
    page.locator("#scanner-dialog th button[data-key='symbol']").click()
    ordered = [row.get_attribute("data-symbol") for row in rows.all()]
    assert ordered == sorted(ordered, key=str.lower) or ordered == sorted(ordered)
    page.locator(f"tr[data-symbol='{BIG_SYMBOL}']").click()
    page.wait_for_url(re.compile(f"symbol={BIG_SYMBOL}"))
    page.wait_for_function(READY)
    assert page.evaluate("() => window.superChart.state.symbol") == BIG_SYMBOL
    assert_clean(page)
