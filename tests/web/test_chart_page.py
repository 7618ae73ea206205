"""The chart page in a real Chromium against a real uvicorn: ask the chart, not the DOM."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest
from PIL import Image

from tests.web.conftest import BIG_SYMBOL, SMALL_BARS, SMALL_SYMBOL

pytestmark = pytest.mark.browser

PAGE_BARS = 2_000
BAR_COUNT = "() => window.superChart.candles.data().length"
EMA_SHOWN = "(period) => period in window.superChart.emas"
EMA_POINTS = "(period) => window.superChart.emas[period].data().length"
READY = "() => window.superChart && window.superChart.ready"


def candle_pixels(png: bytes) -> tuple[int, int]:
    """Pixels of the up (#26a69a) and down (#ef5350) candle colours in a screenshot."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    counts = {colour: count for count, colour in colours}
    return counts.get((0x26, 0xA6, 0x9A), 0), counts.get((0xEF, 0x53, 0x50), 0)


def pick_timeframe(page, timeframe: str) -> None:
    """Click the timeframe's button in the header."""
    page.locator(f"#timeframes button[data-timeframe='{timeframe}']").click()


def open_chart(page, server: str, **query: str) -> None:
    page.goto(f"{server}/chart?{urlencode(query)}")
    page.wait_for_function(READY)


def assert_clean(page) -> None:
    assert page.watch.console_errors == []
    assert page.watch.external_requests == []


def test_design_url_draws_candles_volume_and_emas(page, server):
    open_chart(
        page,
        server,
        symbol=SMALL_SYMBOL,
        timeframe="1h",
        ema_10="true",
        ema_21="true",
        ema_50="true",
        ema_150="true",
    )
    assert page.evaluate(BAR_COUNT) == PAGE_BARS
    assert page.evaluate("() => window.superChart.volume.data().length") == PAGE_BARS
    first = page.evaluate("() => window.superChart.candles.data()[0].time")
    assert first > 1_700_000_000  # UNIX seconds in 2024, not 1970 or milliseconds
    for period in (10, 21, 50, 150):
        assert page.evaluate(EMA_SHOWN, period)
        assert page.evaluate(EMA_POINTS, period) == PAGE_BARS
    # Drawn, not only held: the chart's pixels hold both candle colours.
    assert candle_pixels(page.locator("#chart").screenshot()) > (500, 500)
    assert_clean(page)


def test_ema_toggle_removes_and_restores_its_line(page, server):
    open_chart(page, server, symbol=SMALL_SYMBOL)
    before = page.evaluate("() => window.superChart.chart.timeScale().getVisibleLogicalRange()")
    page.locator("input[data-period='50']").uncheck()
    assert not page.evaluate(EMA_SHOWN, 50)
    assert page.evaluate(EMA_SHOWN, 21)
    assert "ema_50=false" in page.url
    page.locator("input[data-period='50']").check()
    assert page.evaluate(EMA_SHOWN, 50)
    assert page.evaluate(EMA_POINTS, 50) == PAGE_BARS
    after = page.evaluate("() => window.superChart.chart.timeScale().getVisibleLogicalRange()")
    assert after == before  # the user's place is kept
    assert_clean(page)


def test_timeframe_switch_changes_bar_count_and_keeps_the_place(page, server):
    open_chart(page, server, symbol=SMALL_SYMBOL, timeframe="1h")
    assert page.evaluate(BAR_COUNT) == PAGE_BARS
    # Look at some older bars first: 2024-06-01 .. 2024-06-08.
    start, end = 1717200000, 1717804800
    page.evaluate(
        f"() => window.superChart.chart.timeScale().setVisibleRange({{from: {start}, to: {end}}})"
    )
    pick_timeframe(page, "4h")
    page.wait_for_function(
        "() => window.superChart.state.timeframe === '4h' && "
        "window.superChart.candles.data().length === 1250"
    )
    visible = page.evaluate("() => window.superChart.chart.timeScale().getVisibleRange()")
    assert abs(visible["from"] - start) <= 4 * 3600 and abs(visible["to"] - end) <= 4 * 3600
    assert page.evaluate(EMA_SHOWN, 10)
    assert "timeframe=4h" in page.url
    assert_clean(page)


def test_download_opens_offline_with_candles(page, server, tmp_path):
    with page.expect_download() as info:
        page.goto(f"{server}/chart?symbol={SMALL_SYMBOL}")
        page.wait_for_function(READY)
        page.locator("input[data-period='21']").uncheck()
        page.locator("#download").click()
    saved = tmp_path / "chart.html"
    info.value.save_as(saved)
    page.goto(saved.as_uri())
    page.wait_for_function(READY)
    assert page.evaluate(BAR_COUNT) == SMALL_BARS  # the whole (small) history, inlined
    assert page.evaluate(EMA_SHOWN, 10) and not page.evaluate(EMA_SHOWN, 21)
    assert candle_pixels(page.locator("#chart").screenshot()) > (500, 500)
    assert_clean(page)


def test_big_symbol_opens_with_one_page_and_pages_back_on_scroll(page, server):
    open_chart(page, server, symbol=BIG_SYMBOL)
    assert page.evaluate(BAR_COUNT) == PAGE_BARS
    newest = page.evaluate("() => window.superChart.candles.data().at(-1).time")
    # Scroll back to the left edge: older bars are fetched and the user's bars stay in view.
    page.evaluate(
        "() => window.superChart.chart.timeScale().setVisibleLogicalRange({from: 0, to: 100})"
    )
    page.wait_for_function(f"() => window.superChart.candles.data().length >= {2 * PAGE_BARS}")
    page.wait_for_function("() => !window.superChart.status.loadingOlder")
    visible = page.evaluate("() => window.superChart.chart.timeScale().getVisibleLogicalRange()")
    assert visible["from"] >= PAGE_BARS - 1  # still showing the bars the user scrolled to
    times = page.evaluate("() => window.superChart.candles.data().map((bar) => bar.time)")
    assert times == sorted(set(times)) and times[-1] == newest
    assert_clean(page)


def test_unknown_symbol_shows_its_message_as_text(page, server):
    symbol = "<img src=x onerror=window.hacked=1>sampel_ohlcv"
    response = page.goto(f"{server}/chart?{urlencode({'symbol': symbol})}")
    assert response.status == 404
    page.wait_for_function(READY)
    message = page.locator("#message")
    assert message.is_visible()
    assert "Unknown symbol" in message.text_content()
    # Shown as text, not parsed as HTML (long symbols are echoed cut to 40 characters).
    assert "<img src=x onerror=window.hacked=1>" in message.text_content()
    assert page.evaluate("() => window.hacked") is None
    assert page.locator("img[src=x]").count() == 0
    assert page.watch.external_requests == []
    # Only the 404 of the page itself may be reported.
    assert [e for e in page.watch.console_errors if "404" not in e] == []
