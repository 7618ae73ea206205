"""Indicators on the chart page in a real Chromium: panes asked of the chart (not the DOM), the
legend's formatted values, removing an indicator removes its pane, colours that stay put."""

from __future__ import annotations

import re

import pytest

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


def test_standalone_file_keeps_the_panes(page, server, tmp_path):
    open_chart(page, server, symbol=SMALL_SYMBOL, indicators="rsi,macd")
    with page.expect_download() as info:
        page.locator("#download").click()
    saved = tmp_path / "chart.html"
    info.value.save_as(saved)
    page.goto(saved.as_uri())
    page.wait_for_function(READY)
    assert page.evaluate(PANES) == 3
    assert legend_text(page, 1).startswith("RSI 14")
    assert_clean(page)
