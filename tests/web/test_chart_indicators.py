"""Indicators on the chart page in a real Chromium: panes asked of the chart (not the DOM), the
legend's formatted values, removing an indicator removes its pane, colours that stay put."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.conftest import SMALL_BARS, SMALL_SYMBOL
from tests.web.test_chart_page import READY, assert_clean, open_chart

pytestmark = pytest.mark.browser

PANES = "() => window.superChart.chart.panes().length"
SERIES_PER_PANE = "() => window.superChart.chart.panes().map((pane) => pane.getSeries().length)"
COLOURS = (
    "() => Object.fromEntries(window.superChart.instances.list.map((i) => [i.token, i.color]))"
)
LAST = "(column) => window.superChart.data.columns[column].at(-1)"


def legend_text(page, pane: int) -> str:
    return page.locator(f".pane-legend[data-pane='{pane}']").inner_text()


def test_rsi_and_macd_give_three_panes_with_formatted_legends(page, server):
    open_chart(page, server, symbol=SMALL_SYMBOL, indicators="rsi:14,macd:12:26:9")
    assert page.evaluate(PANES) == 3
    # Price pane: candles, volume, 4 EMAs; RSI alone; MACD line, signal and histogram.
    assert page.evaluate(SERIES_PER_PANE) == [6, 1, 3]
    rsi = legend_text(page, 1)
    assert rsi.startswith("RSI 14")
    assert f"{page.evaluate(LAST, 'rsi_14'):.2f}" in rsi
    macd = legend_text(page, 2)
    assert macd.startswith("MACD 12 26 9")
    for column in ("macd_12_26_9", "macd_signal_12_26_9", "macd_hist_12_26_9"):
        assert f"{page.evaluate(LAST, column):.2f}" in macd
    assert re.search(r"RSI 14\s+\d+\.\d\d\b", rsi)  # two decimals, not 57.3214...
    # The series hold the values the page got, the warm-up left out.
    points = page.evaluate("() => window.superChart.chart.panes()[1].getSeries()[0].data().length")
    assert SMALL_BARS > points >= 2000 - 14
    assert "indicators=rsi%3A14%2Cmacd%3A12%3A26%3A9" in page.url
    assert_clean(page)


def test_removing_an_indicator_removes_its_pane_and_keeps_the_other_colours(page, server):
    open_chart(page, server, symbol=SMALL_SYMBOL, indicators="sma:20,rsi,macd,sma:50")
    assert page.evaluate(PANES) == 3
    before = page.evaluate(COLOURS)
    assert len(set(before.values())) == 4  # each instance a colour of its own
    page.locator(".pane-legend[data-pane='1']").get_by_role("button", name="Remove RSI 14").click()
    assert page.evaluate(PANES) == 2
    assert legend_text(page, 1).startswith("MACD 12 26 9")  # moved up into the freed place
    page.locator(".pane-legend[data-pane='0']").get_by_role("button", name="Remove SMA 20").click()
    assert page.evaluate(PANES) == 2
    after = page.evaluate(COLOURS)
    assert after == {k: before[k] for k in ("macd:12:26:9", "sma:50")}
    assert "indicators=macd%3A12%3A26%3A9%2Csma%3A50" in page.url
    assert "rsi_14" not in page.evaluate("() => Object.keys(window.superChart.data.columns)")
    assert_clean(page)


def test_a_link_reproduces_the_colours(page, server):
    open_chart(page, server, symbol=SMALL_SYMBOL, indicators="sma:50,rsi")
    first = page.evaluate(COLOURS)
    open_chart(page, server, symbol=SMALL_SYMBOL, indicators="sma:50,rsi")
    assert page.evaluate(COLOURS) == first
    assert_clean(page)


def test_heikin_ashi_draws_the_averaged_candles(page, server):
    open_chart(page, server, symbol=SMALL_SYMBOL, chart="heikin_ashi")
    bars = page.evaluate("() => window.superChart.candles.data()")
    for previous, bar in zip(bars[-50:-1], bars[-49:], strict=True):
        assert bar["open"] == pytest.approx((previous["open"] + previous["close"]) / 2)
        assert bar["high"] >= max(bar["open"], bar["close"])
    assert page.locator("#chart-type").input_value() == "heikin_ashi"
    assert_clean(page)


def test_bad_indicators_in_the_link_are_shown_as_text(page, server):
    response = page.goto(f"{server}/chart?symbol={SMALL_SYMBOL}&indicators=rsi:1")
    assert response.status == 422
    page.wait_for_function(READY)
    assert "rsi" in page.locator("#message").text_content()
    assert [e for e in page.watch.console_errors if "422" not in e] == []


def test_standalone_file_keeps_the_panes_levels_and_spikes(page, server, tmp_path):
    """#20: the offline file kept levels=true&spikes=true in its state but drew neither."""
    open_chart(page, server, symbol=SMALL_SYMBOL, indicators="rsi,macd", levels="true",
               spikes="true")  # fmt: skip
    ready = "() => { const d = window.superChart.analysis.drawn();"
    ready += " return d.lines.length > 0 && d.markers.length > 0; }"
    page.wait_for_function(ready)  # the analysis is fetched after the first draw
    online = page.evaluate("() => window.superChart.analysis.drawn()")
    with page.expect_download() as info:
        page.locator("#download").click()
    saved = tmp_path / "chart.html"
    info.value.save_as(saved)
    page.goto(saved.as_uri())
    page.wait_for_function(READY)
    assert page.evaluate(PANES) == 3
    assert legend_text(page, 1).startswith("RSI 14")
    page.wait_for_function(ready)
    drawn = page.evaluate("() => window.superChart.analysis.drawn()")
    assert len(drawn["lines"]) == len(online["lines"]) > 0
    assert [line["price"] for line in drawn["lines"]] == [line["price"] for line in online["lines"]]
    assert len(drawn["markers"]) == len(online["markers"]) > 0
    page.locator("#levels-toggle").uncheck()  # the file has the toggles too
    assert page.evaluate("() => window.superChart.analysis.drawn().lines.length") == 0
    assert_clean(page)


def add_from_dialog(page, search: str, name: str) -> None:
    page.locator("#indicator-search").fill(search)
    page.locator(f"#indicator-catalog button[data-name='{name}']").click()


def test_dialog_adds_edits_and_removes_instances(page, server):
    open_chart(page, server, symbol=SMALL_SYMBOL)
    assert page.evaluate(PANES) == 1
    page.get_by_role("button", name="Indicators").click()
    dialog = page.locator("#indicators-dialog")
    assert dialog.is_visible()
    # Search narrows the catalog (from GET /api/indicators).
    page.locator("#indicator-search").fill("strength")
    first_found = page.locator("#indicator-catalog button").first
    expect(first_found).to_have_text(re.compile(r"^Relative Strength Index"))
    add_from_dialog(page, "rsi", "rsi")
    page.wait_for_function("() => window.superChart.chart.panes().length === 2")
    add_from_dialog(page, "bollinger", "bb")  # over the prices: no new pane
    page.wait_for_function("() => window.superChart.studies.drawn.size === 2")
    assert page.evaluate(PANES) == 2
    add_from_dialog(page, "sma", "sma")
    add_from_dialog(page, "sma", "sma")  # two of one indicator
    page.wait_for_function("() => window.superChart.studies.drawn.size === 4")
    assert "indicators=rsi%3A14%2Cbb%3A20%3A2%2Csma%3A20%2Csma%3A20" in page.url
    colours = page.evaluate(COLOURS)

    # Edit: RSI 14 -> 21, redrawn from new columns, same colour, same pane.
    rsi_row = dialog.locator("li.instance").filter(has_text="RSI 14")
    rsi_row.locator("input[data-param='period']").fill("21")
    rsi_row.locator("input[data-param='period']").press("Enter")
    page.wait_for_function("() => window.superChart.data.columns.rsi_21 !== undefined")
    page.wait_for_function("() => window.superChart.chart.panes().length === 2")
    assert legend_text(page, 1).startswith("RSI 21")
    assert page.evaluate(COLOURS)["rsi:21"] == colours["rsi:14"]
    assert "rsi%3A21" in page.url

    # A value out of range is refused in the dialog, and nothing changes.
    rsi_row = dialog.locator("li.instance").filter(has_text="RSI 21")
    rsi_row.locator("input[data-param='period']").fill("1")
    rsi_row.locator("input[data-param='period']").press("Enter")
    assert "from 2 to" in page.locator("#indicator-error").text_content()
    assert "rsi%3A21" in page.url

    dialog.get_by_role("button", name="Remove RSI 21").click()
    assert page.evaluate(PANES) == 1
    assert dialog.locator("li.instance").count() == 3
    assert_clean(page)


def test_two_of_one_indicator_are_two_lines_in_the_link_too(page, server):
    open_chart(page, server, symbol=SMALL_SYMBOL, indicators="sma:20,rsi,ma:20")
    assert page.evaluate("() => window.superChart.studies.drawn.size") == 3
    colours = page.evaluate(
        "() => window.superChart.instances.list.map((instance) => instance.color)"
    )
    assert len(set(colours)) == 3
    assert "indicators=sma%3A20%2Crsi%3A14%2Csma%3A20" in page.url
    assert_clean(page)


def test_editing_an_indicator_keeps_its_pane_in_place(page, server):
    """#20: RSI 14 -> 21 moved RSI's pane from first to last."""
    open_chart(page, server, symbol=SMALL_SYMBOL, indicators="rsi,macd")
    assert legend_text(page, 1).startswith("RSI 14") and legend_text(page, 2).startswith("MACD")
    page.get_by_role("button", name="Indicators").click()
    rsi_row = page.locator("#indicators-dialog li.instance").filter(has_text="RSI 14")
    rsi_row.locator("input[data-param='period']").fill("21")
    rsi_row.locator("input[data-param='period']").press("Enter")
    page.wait_for_function("() => window.superChart.data.columns.rsi_21 !== undefined")
    page.wait_for_function("() => window.superChart.studies.drawn.size === 2")
    assert legend_text(page, 1).startswith("RSI 21")
    assert legend_text(page, 2).startswith("MACD")
    assert page.evaluate(SERIES_PER_PANE)[1:] == [1, 3]
    assert "indicators=rsi%3A21%2Cmacd" in page.url
    assert_clean(page)
