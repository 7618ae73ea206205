"""The chart page's tools in a real Chromium: price scale modes, chart types, theme, screenshot,
symbol search, the legend (formatted, hovered, on a 390 px screen) and dates on daily bars."""

from __future__ import annotations

import base64
import re
import struct
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.web.conftest import BIG_SYMBOL, SMALL_SYMBOL
from tests.web.test_chart_page import BAR_COUNT, assert_clean, open_chart

pytestmark = pytest.mark.browser

SCALE_MODE = "() => window.superChart.chart.priceScale('right', 0).options().mode"
SERIES_TYPE = "() => window.superChart.candles.seriesType()"
PRICE = re.compile(r"^\d+\.\d{2}$")  # the sample's prices have two decimals


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_price_scale_switches_to_log_and_percent_and_back(page, server):
    open_chart(page, server, symbol=SMALL_SYMBOL)
    assert page.evaluate(SCALE_MODE) == 0
    page.select_option("#scale-mode", "log")
    assert page.evaluate(SCALE_MODE) == 1
    assert "scale=log" in page.url
    page.select_option("#scale-mode", "percent")
    assert page.evaluate(SCALE_MODE) == 2
    page.select_option("#scale-mode", "normal")
    assert page.evaluate(SCALE_MODE) == 0 and "scale=" not in page.url
    # A link with the mode opens in it.
    open_chart(page, server, symbol=SMALL_SYMBOL, scale="log")
    assert page.evaluate(SCALE_MODE) == 1
    assert page.locator("#scale-mode").input_value() == "log"
    assert_clean(page)


def test_chart_types_redraw_the_same_bars(page, server):
    open_chart(page, server, symbol=SMALL_SYMBOL)
    closes = page.evaluate("() => window.superChart.candles.data().map((bar) => bar.close)")
    for kind, series_type in (("line", "Line"), ("area", "Area"), ("bars", "Bar")):
        page.select_option("#chart-type", kind)
        assert page.evaluate(SERIES_TYPE) == series_type
        assert page.evaluate(BAR_COUNT) == len(closes)
        assert f"chart={kind}" in page.url
    values = page.evaluate("() => window.superChart.candles.data().map((bar) => bar.close)")
    assert values == closes
    page.select_option("#chart-type", "hollow")
    assert page.evaluate(SERIES_TYPE) == "Candlestick"
    up = page.evaluate("() => window.superChart.candles.options().upColor")
    assert up == "rgba(0, 0, 0, 0)"  # hollow: rising candles are outlines
    assert_clean(page)


def test_light_theme_recolours_chart_and_page(page, server):
    open_chart(page, server, symbol=SMALL_SYMBOL)
    background = "() => window.superChart.chart.options().layout.background.color"
    assert page.evaluate(background) == "#131722"
    page.locator("#theme-toggle").click()
    assert page.evaluate(background) == "#ffffff"
    assert "theme=light" in page.url
    body = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert body == "rgb(255, 255, 255)"
    assert_clean(page)


def test_screenshot_downloads_a_png_of_the_chart(page, server):
    open_chart(page, server, symbol=SMALL_SYMBOL)
    with page.expect_download() as info:
        page.locator("#screenshot").click()
    download = info.value
    assert download.suggested_filename == f"{SMALL_SYMBOL}_1h.png"
    data = Path(download.path()).read_bytes()
    width, height = png_size(data)
    box = page.locator("#chart").bounding_box()
    assert abs(width - box["width"]) <= 2 and abs(height - box["height"]) <= 2
    assert_clean(page)


def test_screenshot_holds_the_legend(page, server, tmp_path):
    """#20: the PNG had only the title; now the legends' texts are drawn where the page shows
    them: the PNG differs from the bare chart in the legend's rows and nowhere else."""
    from PIL import Image, ImageChops

    open_chart(page, server, symbol=SMALL_SYMBOL, indicators="rsi")
    bare = page.evaluate("() => window.superChart.chart.takeScreenshot(true).toDataURL()")
    (tmp_path / "bare.png").write_bytes(base64.b64decode(bare.split(",", 1)[1]))
    with page.expect_download() as info:
        page.locator("#screenshot").click()
    shot = Image.open(info.value.path()).convert("RGB")
    plain = Image.open(tmp_path / "bare.png").convert("RGB")
    texts = page.evaluate("() => window.superChart.lastLegendText()")
    assert "EMA 10" in texts and "RSI 14" in texts, texts
    assert any(text.startswith("O") for text in texts), texts  # the OHLC row
    legend = page.locator(".pane-legend[data-pane='0']").bounding_box()
    chart = page.locator("#chart").bounding_box()
    top, bottom = legend["y"] - chart["y"], legend["y"] - chart["y"] + legend["height"]
    diff = ImageChops.difference(shot, plain).getbbox()
    assert diff is not None, "nothing drawn over the chart"
    assert diff[1] >= top - 2 and diff[1] <= bottom, (diff, top, bottom)
    rsi = page.locator(".pane-legend[data-pane='1']").bounding_box()
    rsi_top = rsi["y"] - chart["y"]
    rsi_rows = ImageChops.difference(shot, plain).crop((0, int(rsi_top), shot.width,
                                                        int(rsi_top + rsi["height"])))  # fmt: skip
    assert rsi_rows.getbbox() is not None  # the RSI pane's legend is drawn too
    assert_clean(page)


def test_legend_shows_last_values_then_the_hovered_bar(page, server):
    open_chart(page, server, symbol=SMALL_SYMBOL)
    legend = page.locator(".pane-legend[data-pane='0']")
    values = legend.locator(".legend-item .legend-value").all_text_contents()
    last = page.evaluate("() => window.superChart.candles.data().at(-1)")
    assert values[:4] == [f"{last[k]:.2f}" for k in ("open", "high", "low", "close")]
    assert re.fullmatch(r"\d+(\.\d\d)?[KMB]?", values[4])  # volume, abbreviated
    box = page.locator("#chart").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "(close) => document.querySelectorAll('.pane-legend .legend-item .legend-value')[3]"
        ".textContent !== close",
        arg=f"{last['close']:.2f}",
    )
    hovered = legend.locator(".legend-item .legend-value").all_text_contents()
    assert all(PRICE.match(text) for text in hovered[:4])
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] - 200)  # away: the newest bar again
    page.wait_for_function(
        "(close) => document.querySelectorAll('.pane-legend .legend-item .legend-value')[3]"
        ".textContent === close",
        arg=f"{last['close']:.2f}",
    )
    assert_clean(page)


def test_daily_bars_show_dates_without_a_time_of_day(page, server):
    open_chart(page, server, symbol=BIG_SYMBOL, timeframe="1d")
    assert page.evaluate("() => window.superChart.chart.options().timeScale.timeVisible") is False
    when = page.locator(".legend-time").text_content()
    assert re.fullmatch(r"\w{3} \d\d \w{3} '\d\d", when), when
    label = page.evaluate(
        "() => window.superChart.chart.options().localization.timeFormatter("
        "window.superChart.candles.data().at(-1).time)"
    )
    assert ":" not in label
    open_chart(page, server, symbol=BIG_SYMBOL, timeframe="1M")  # a month: "May '18" (#20)
    when = page.locator(".legend-time").text_content()
    assert re.fullmatch(r"[A-Z][a-z]{2} '\d\d", when), when
    open_chart(page, server, symbol=BIG_SYMBOL)  # minutes do show the time
    assert re.search(r" \d\d:\d\d$", page.locator(".legend-time").text_content())
    assert_clean(page)


def test_legend_fits_a_narrow_screen_without_overlap(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        open_chart(page, server, symbol=SMALL_SYMBOL)
        boxes = page.evaluate(
            "() => [...document.querySelectorAll('.pane-legend .legend-title, .legend-time,"
            " .legend-item, .legend-value, .legend-name')].map((node) => {"
            " const r = node.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
        )
        chart = page.locator("#chart").bounding_box()
        scale_left = chart["x"] + page.evaluate("() => window.superChart.chart.paneSize(0).width")
        leaves = [b for b in boxes if b[2] > b[0]]
        assert len(leaves) >= 10
        for left, _top, right, _bottom in leaves:
            assert left >= chart["x"] and right <= scale_left + 1  # clear of the price scale
        for i, a in enumerate(leaves):
            for b in leaves[i + 1 :]:
                nested = (a[0] <= b[0] and b[2] <= a[2] and a[1] <= b[1] and b[3] <= a[3]) or (
                    b[0] <= a[0] and a[2] <= b[2] and b[1] <= a[1] and a[3] <= b[3]
                )
                apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
                assert nested or apart, (a, b)
    finally:
        context.close()


def test_symbol_search_offers_matches_and_opens_the_pick(page, server):
    open_chart(page, server, symbol=SMALL_SYMBOL, ema_21="false")
    box = page.locator("#symbol-search")
    box.click()
    box.fill("big")
    options = page.locator("#symbol-options li")
    # The click's list (every symbol, the default first) shows until the matches for "big"
    # come: wait for those (read at once, it was the click's list: failed once so).
    expect(options.first).to_have_text(re.compile(f"^{BIG_SYMBOL}"))
    assert options.all_inner_texts()[0].startswith(BIG_SYMBOL)
    box.press("Enter")
    page.wait_for_url(re.compile(f"symbol={BIG_SYMBOL}"))
    page.wait_for_function("() => window.superChart && window.superChart.ready")
    assert page.evaluate("() => window.superChart.state.symbol") == BIG_SYMBOL
    assert "ema_21=false" in page.url  # the EMA choice carries over
    assert page.evaluate(BAR_COUNT) > 0
    assert_clean(page)


def test_enter_before_the_matches_came_opens_the_typed_texts_match(page, server):
    """Enter pressed while the list still showed the matches of other letters ("sam":
    sample_ohlcv) and the search for "big" was on its way opened sample_ohlcv again; now it
    waits for the matches of what is typed. The searches for "big" are held to make the race
    certain."""
    open_chart(page, server, symbol=SMALL_SYMBOL)
    held: list = []
    page.route(lambda url: "/api/symbols?" in url and "q=big" in url, lambda r: held.append(r))
    box = page.locator("#symbol-search")
    box.click()
    box.fill("sam")
    options = page.locator("#symbol-options li")
    expect(options.first).to_have_text(re.compile(f"^{SMALL_SYMBOL}"))
    page.evaluate("() => { window.notReloaded = true; }")
    box.fill("big")
    box.press("Enter")
    for _ in range(500):  # the typed search and Enter's own, both held
        if len(held) >= 2:
            break
        page.wait_for_timeout(20)
    assert len(held) >= 2, [route.request.url for route in held]
    assert page.evaluate("() => window.notReloaded")  # nothing opened from the older list
    for route in held:
        route.continue_()
    page.wait_for_url(re.compile(f"symbol={BIG_SYMBOL}"))
    page.wait_for_function("() => window.superChart && window.superChart.ready")
    assert page.evaluate("() => window.superChart.state.symbol") == BIG_SYMBOL


def test_an_unknown_symbol_entered_says_so_and_offers_close_matches(page, server):
    """#20: XYZ + Enter did nothing while the old chart stayed."""
    open_chart(page, server, symbol=BIG_SYMBOL)
    box = page.locator("#symbol-search")
    box.click()
    box.fill("sampel_ohlcv")
    page.wait_for_function("() => document.querySelector('#symbol-options').hidden")  # no match
    box.press("Enter")
    note = page.locator("#symbol-options .symbol-missing")
    note.wait_for()
    assert note.inner_text() == "No symbol sampel_ohlcv. Did you mean:"
    offered = page.locator("#symbol-options li[role=option]")
    assert SMALL_SYMBOL in offered.all_inner_texts()
    assert f"symbol={BIG_SYMBOL}" in page.url  # nothing opened meanwhile
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url(re.compile(f"symbol={SMALL_SYMBOL}"))
    page.wait_for_function("() => window.superChart && window.superChart.ready")
    assert page.evaluate("() => window.superChart.state.symbol") == SMALL_SYMBOL


def test_a_phone_gets_a_one_row_toolbar_that_leaves_the_chart_its_height(browser, server):
    """#20: at 390 px the toolbar took 27% of the height; every tool is still there, along a
    row that scrolls sideways, and the symbol list still opens over the chart."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        open_chart(page, server, symbol=SMALL_SYMBOL)
        bar = page.locator("header.bar").bounding_box()
        assert bar["height"] / 844 < 0.08, bar
        assert page.locator("#chart").bounding_box()["y"] < 0.1 * 844
        row = page.locator("#controls")
        assert row.evaluate("(form) => form.scrollWidth > form.clientWidth")  # more along it
        page.locator("#screenshot").scroll_into_view_if_needed()
        assert page.locator("#screenshot").is_visible()
        box = page.locator("#symbol-search")
        box.scroll_into_view_if_needed()
        box.click()
        box.fill("big")
        # the list for "big" (the one opened by the click may be replaced while the search runs)
        option = page.locator("#symbol-options li", has_text=BIG_SYMBOL).first
        option.wait_for()
        shown = option.bounding_box()
        for _ in range(50):  # a list being redrawn has no box for a moment
            if shown is not None:
                break
            page.wait_for_timeout(100)
            shown = option.bounding_box()
        assert shown is not None, "the symbol list did not stay open"
        assert shown["y"] > bar["y"] + bar["height"] - 1  # below, not clipped
        assert page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).closest('#symbol-options') !== null",
            [shown["x"] + 5, shown["y"] + 5],
        )
    finally:
        context.close()
