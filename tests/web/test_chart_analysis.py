"""The analysis on the chart page in a real Chromium: the Levels and Volume spikes toggles draw
what /api/analysis answers (price lines with touch counts, markers on the volume bars), the panel
shows the signals and summary and links to the report, and the Scanner opens a symbol's chart."""

from __future__ import annotations

import itertools
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


LABEL_YS = """() => {
  const series = window.superChart.analysis.drawn();
  const price = window.superChart.candles;
  const closes = window.superChart.data.columns.close;
  return { labels: series.lines.filter((line) => line.axisLabelVisible)
                     .map((line) => price.priceToCoordinate(line.price)),
           last: price.priceToCoordinate(closes[closes.length - 1]) };
}"""
MARKER_XS = """() => window.superChart.analysis.drawn().markers.filter((m) => m.text)
  .map((m) => window.superChart.chart.timeScale().timeToCoordinate(m.time))"""
MAX_LEVELS, LABEL_PX, SPIKE_LABEL_PX = 6, 20, 36  # app/web/static/js/level_layout.js


def test_levels_toggle_draws_the_strongest_levels_with_labels_apart(page, server, api):
    """#20: 8 bands within 150 points, labels over each other and over the last price: the
    strongest MAX_LEVELS are drawn (the rest counted as hidden, and said so), labels that would
    overlap are merged into the stronger one, none sits on the last price's label."""
    expected = analysis_of(api, SMALL_SYMBOL, "1h")["levels"]
    assert expected
    open_chart(page, server, symbol=SMALL_SYMBOL)
    assert page.evaluate(DRAWN)["lines"] == []
    page.get_by_label("Levels").check()
    page.wait_for_function("() => window.superChart.analysis.drawn().lines.length > 0")
    drawn = page.evaluate(DRAWN)
    lines = drawn["lines"]
    kept = expected[:MAX_LEVELS]
    assert [line["price"] for line in lines] == [level["price"] for level in kept]
    assert drawn["hidden"] == len(expected) - len(kept)
    if drawn["hidden"]:
        assert f"{drawn['hidden']} weaker hidden" in page.locator("label.toggle").first.inner_text()
    for line, level in zip(lines, kept, strict=True):
        title = ("S" if level["kind"] == "support" else "R") + f" ×{level['touches']}"
        if line["axisLabelVisible"]:
            assert re.fullmatch(re.escape(title) + r"( \+\d+)?", line["title"]), line
        else:
            assert line["title"] == ""
    ys = page.evaluate(LABEL_YS)
    labels = [y for y in ys["labels"] if y is not None]
    assert labels
    for i, a in enumerate(labels):
        assert abs(a - ys["last"]) >= LABEL_PX
        assert all(abs(a - b) >= LABEL_PX for b in labels[i + 1 :])
    assert "levels=true" in page.url
    # The lines follow the prices into another chart type, and go when unticked.
    page.select_option("#chart-type", "line")
    assert len(page.evaluate(DRAWN)["lines"]) == len(kept)
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
    assert all(re.fullmatch(r"z \d+\.\d", m["text"]) for m in markers if m["text"])
    xs = sorted(x for x in page.evaluate(MARKER_XS) if x is not None)
    assert xs and all(b - a >= SPIKE_LABEL_PX for a, b in itertools.pairwise(xs))  # labels apart
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
