"""One real Dash server (``python app/main_dash.py``) driven by Chromium: what a user sees."""

from __future__ import annotations

import itertools
import re
import struct

import pandas as pd
import pytest
from playwright.sync_api import expect

from app.core.synthetic import synthetic_ohlcv
from tests.dash.conftest import SMALL_BARS
from tests.dash.samples import csv_without_close, ohlcv_csv
from tests.live_server import free_port, live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
VOLUME = ["Volume", "Volume"]  # the rising bars' filled path and the falling bars'

# Plotly's own record of what it drew: trace names, candle count, title, painted candle boxes.
CHART = """() => {
    const gd = document.querySelector('#chart .js-plotly-plot');
    // _fullData: the arrays decoded (x, the bar positions, arrives as a typed array)
    const candles = gd && gd._fullData && gd._fullData.find(t => t.type === 'candlestick');
    if (!candles || !gd.data) return null;
    return {
        names: gd.data.filter(t => t.visible !== false).map(t => t.name),  // as drawn
        bars: candles.x.length,
        title: (gd.layout.title && gd.layout.title.text) || '',
        boxes: gd.querySelectorAll('.trace.boxes path').length,
        lines: gd.querySelectorAll('.scatterlayer .trace path.js-line').length,
    };
}"""


# The two "Volume" traces' points as the page holds them (after any live Patch).
VOLUME_PATHS = """() => document.querySelector('#chart .js-plotly-plot').data
    .filter(t => t.name === 'Volume').map(t => ({x: Array.from(t.x), y: Array.from(t.y)}))"""


# Zoom the time axis to the middle third, as a user's drag would; returns the range set.
ZOOM_TO_MIDDLE = """async () => {
    const gd = document.querySelector('#chart .js-plotly-plot');
    const [a, b] = gd._fullLayout.xaxis.range;  // bar positions
    const third = (b - a) / 3;
    await Plotly.relayout(gd, {'xaxis.range': [a + third, b - third]});
    return gd._fullLayout.xaxis.range;
}"""
X_RANGE = "() => document.querySelector('#chart .js-plotly-plot')._fullLayout.xaxis.range"
SHOWN_TIMEFRAME = """() => {
    const select = document.querySelector('#timeframe');
    return select.options[select.selectedIndex].text;
}"""


def timeframe_values(page) -> list[str]:
    return page.evaluate("() => [...document.querySelector('#timeframe').options]"
                         ".filter(o => !o.hidden).map(o => o.value)")  # fmt: skip


def wait_for_chart(page, predicate: str, timeout: float = 30_000) -> dict:
    page.wait_for_function(
        f"() => {{ const c = ({CHART})(); return c && ({predicate}); }}", timeout=timeout
    )
    return page.evaluate(CHART)


def test_dash_app_in_a_real_browser(page, data_dir, tmp_path):
    good = tmp_path / "mine.csv"
    good.write_bytes(ohlcv_csv(120, timeframe="1d", seed=3))
    broken = tmp_path / "broken.csv"
    broken.write_bytes(csv_without_close())
    huge = tmp_path / "huge.csv"
    huge.write_bytes(ohlcv_csv(3000))  # ~180 KB, over the 0.1 MB limit below
    unsorted = tmp_path / "unsorted.csv"
    rows = ohlcv_csv(40, seed=5).decode().splitlines()
    unsorted.write_text("\n".join([rows[0], rows[2], rows[1], *rows[3:]]))
    port = free_port()
    env = {"DASH_PORT": str(port), "UPLOAD_MAX_MB": "0.1"}
    with live_server(["app/main_dash.py"], port=port, health_path="/health", env=env) as base:
        page.goto(base)

        # The default symbol: candles painted, volume, and the four EMA lines.
        chart = wait_for_chart(page, f"c.bars === {SMALL_BARS} && c.boxes > 0 && c.lines === 4")
        assert chart["names"] == ["Price", *VOLUME, "EMA 10", "EMA 21", "EMA 50", "EMA 150"]
        assert "sample_ohlcv" in chart["title"]

        # Only timeframes the hourly data can make are offered.
        assert "5m" not in timeframe_values(page) and "4h" in timeframe_values(page)

        # The indicator picker's placeholder is readable on the dark panel (#20).
        placeholder = page.locator("#indicators .dash-dropdown-placeholder")
        expect(placeholder).to_have_text("None: add one below")
        rgba = placeholder.evaluate("e => getComputedStyle(e).color")
        red, green, blue, *alpha = (float(v) for v in rgba[rgba.index("(") + 1 : -1].split(","))
        assert (red + green + blue) / 3 > 100 and (not alpha or alpha[0] >= 0.6), rgba

        # Zoomed in, unticking EMA 21 removes its line without a reload and keeps the zoom.
        page.evaluate("window.__same_page = true")
        zoomed = page.evaluate(ZOOM_TO_MIDDLE)
        page.get_by_label("EMA 21").uncheck()
        chart = wait_for_chart(page, "!c.names.includes('EMA 21') && c.lines === 3")
        assert chart["names"] == ["Price", *VOLUME, "EMA 10", "EMA 50", "EMA 150"]
        assert page.evaluate("window.__same_page === true")
        assert page.evaluate(X_RANGE) == zoomed
        page.get_by_label("EMA 21").check()  # and ticking it brings it back, zoom kept
        chart = wait_for_chart(page, "c.names.includes('EMA 21') && c.lines === 4")
        assert chart["names"] == ["Price", *VOLUME, "EMA 10", "EMA 21", "EMA 50", "EMA 150"]
        assert page.evaluate(X_RANGE) == zoomed
        page.get_by_label("EMA 21").uncheck()
        wait_for_chart(page, "!c.names.includes('EMA 21')")

        # An upload is drawn at once, at its own timeframe.
        page.locator("#upload input[type=file]").set_input_files(good)
        chart = wait_for_chart(page, "c.bars === 120 && c.title.includes('mine')")
        assert chart["boxes"] > 0
        assert "mine.csv · 1d" in chart["title"]
        assert "mine.csv: 120 bars at 1d" in page.locator("#upload-status").inner_text()
        assert page.evaluate(SHOWN_TIMEFRAME) == "As recorded"  # not a blank select
        offered = timeframe_values(page)
        assert offered[1:4] == ["1d", "3d", "1w"] and "1h" not in offered
        assert page.locator("#symbol").is_disabled()
        # The sidebar names the file drawn, not the symbol shown before it.
        assert page.locator("#upload-name").inner_text() == "mine.csv"
        assert page.locator("#symbol").is_hidden()

        # A file without a close column: the core's message in an alert; the chart stays.
        page.locator("#upload input[type=file]").set_input_files(broken)
        alert = page.locator("#upload-status .alert-danger")
        alert.wait_for(timeout=15_000)
        assert "close" in alert.inner_text().lower()
        assert page.evaluate(CHART)["bars"] == 120

        # A file over UPLOAD_MAX_MB is refused with the limit (the browser does not send it).
        page.locator("#upload input[type=file]").set_input_files(huge)
        page.wait_for_function(
            "() => document.querySelector('#upload-status').innerText.includes('UPLOAD_MAX_MB')",
            timeout=15_000,
        )
        assert "huge.csv" in alert.inner_text()

        # Rows out of time order: drawn sorted, and a notice the user can dismiss says so.
        page.locator("#upload input[type=file]").set_input_files(unsorted)
        chart = wait_for_chart(page, "c.bars === 40 && c.title.includes('unsorted.csv')")
        notice = page.locator("#notice .alert-warning")
        notice.wait_for(timeout=15_000)
        assert "unsorted.csv: rows were not in time order" in notice.inner_text()
        notice.get_by_role("button", name="Close").click()
        notice.wait_for(state="detached", timeout=15_000)

        # Back to the data folder: the symbol select is usable again, hourly choices return.
        page.locator("#source").get_by_label("Data folder").check()
        wait_for_chart(page, f"c.bars === {SMALL_BARS}")
        assert page.locator("#symbol").is_enabled() and page.locator("#symbol").is_visible()
        assert page.locator("#upload-name").inner_text() == ""
        assert "4h" in timeframe_values(page) and "5m" not in timeframe_values(page)

    assert page.watch.external_requests == []
    assert page.watch.console_errors == []


UPDATE_URL = "**/_dash-update-component*"  # the callback requests (with a query string)


def is_chart_answer(request) -> bool:
    """Matches every request whose answer changes the chart's figure."""
    return "chart.figure" in str((request.post_data_json or {}).get("output"))


def is_chart_redraw_for(changed: str):
    """Matches the chart callback's request when ``changed`` (e.g. ``timeframe.value``) set it
    off."""

    def matches(request) -> bool:
        body = request.post_data_json or {}
        return "chart.figure" in str(body.get("output")) and changed in body.get(
            "changedPropIds", []
        )

    return matches


def test_an_ema_ticked_while_a_timeframe_redraw_is_on_its_way_shows_on_both_charts(page, data_dir):
    """The user picks 4h and ticks an EMA before the 4h chart arrives: the line shows at once
    (in the browser, no request), and the 4h chart, made before the tick, shows it too when it
    lands."""
    port = free_port()
    with live_server(["app/main_dash.py"], port=port, health_path="/health",
                     env={"DASH_PORT": str(port)}) as base:  # fmt: skip
        page.goto(base)
        wait_for_chart(page, f"c.bars === {SMALL_BARS} && c.lines === 4")
        page.get_by_label("EMA 21").uncheck()
        wait_for_chart(page, "c.lines === 3")

        # Every chart answer is kept from the browser until the EMA has been ticked: the 4h
        # redraw, and the live tick's (its first tick after the page loaded draws the timeframe
        # shown selected too, so it could bring the 4h chart before the tick).
        held, released = [], []

        def hold_chart_answers(route):
            if is_chart_answer(route.request) and not released:
                held.append(route)
            else:
                route.continue_()

        redraw_at_4h = is_chart_redraw_for("timeframe.value")
        page.route(UPDATE_URL, hold_chart_answers)
        page.locator("#timeframe").select_option("4h")
        for _ in range(100):
            if any(redraw_at_4h(route.request) for route in held):
                break
            page.wait_for_timeout(100)
        assert any(redraw_at_4h(route.request) for route in held), (
            "no chart redraw for the new timeframe was sent"
        )
        page.get_by_label("EMA 21").check()

        wait_for_chart(page, f"c.names.includes('EMA 21') && c.bars === {SMALL_BARS}")
        released.append(True)
        for route in held:  # the 4h answer, made with EMA 21 unticked, arrives
            route.continue_()
        page.unroute(UPDATE_URL)

        # (75 bars at 4h: EMA 150 has no value yet, so three lines are drawn, EMA 21's among them)
        chart = wait_for_chart(page, f"c.bars === {SMALL_BARS // 4} && c.lines === 3")
        assert chart["bars"] == SMALL_BARS // 4, "the candles are not the 4h ones shown selected"
        assert "sample_ohlcv · 4h" in chart["title"]
        assert chart["names"] == ["Price", *VOLUME, "EMA 10", "EMA 21", "EMA 50", "EMA 150"]
        assert page.evaluate(SHOWN_TIMEFRAME) == "4h"

    assert page.watch.console_errors == []


# The candles' times as UNIX seconds, from the dates their hover shows (x: bar positions).
CANDLE_SECONDS = """() => {
    const gd = document.querySelector('#chart .js-plotly-plot');
    const candles = gd._fullData.find(t => t.type === 'candlestick');
    return Array.from(candles.customdata,
        t => Date.parse(String(t).replace(' UTC', 'Z').replace(' ', 'T')) / 1000);
}"""
# What the price pane shows: the widest step between neighbouring candles' x, the lowest price
# tick and the bottom of the price axis.
PRICE_PANE = """() => {
    const gd = document.querySelector('#chart .js-plotly-plot');
    const x = Array.from(gd._fullData.find(t => t.type === 'candlestick').x);
    const ya = gd._fullLayout.yaxis;
    return {
        widest: Math.max(...x.slice(1).map((v, i) => v - x[i])),
        first_x: x[0],
        lowest_tick: Math.min(...ya._vals.map(v => v.x)),
        bottom: ya.range[0],
    };
}"""
# Show only the oldest ``n`` bars held, as a user's zoom would.
ZOOM_TO_OLDEST = """async (n) => {
    const gd = document.querySelector('#chart .js-plotly-plot');
    const x = gd._fullData.find(t => t.type === 'candlestick').x;
    await Plotly.relayout(gd, {'xaxis.range': [x[0], x[n]]});
}"""


def spacings(seconds: list[float]) -> set[float]:
    return {b - a for a, b in itertools.pairwise(seconds)}


def test_a_long_hourly_history_is_drawn_hourly_and_a_pan_past_the_edge_loads_older_bars(
    page, data_dir
):
    """Regression (#11 §1): 5,000 hourly bars were drawn as 4h candles. Now 1h candles, the
    newest window, and dragging the chart past its oldest bar loads the older ones. #20: an
    hourly FX pair closed at weekends is drawn without gaps, and no price under zero."""
    fx = synthetic_ohlcv(24 * 40, timeframe="1h", seed=4)
    fx = fx[fx["time"].dt.day_of_week < 5]  # no bars from Saturday to Sunday
    fx[["open", "high", "low", "close"]] = fx[["open", "high", "low", "close"]] / 100
    (data_dir / "eurusd.csv").write_text(fx.to_csv(index=False))
    port = free_port()
    with live_server(["app/main_dash.py"], port=port, health_path="/health",
                     env={"DASH_PORT": str(port)}) as base:  # fmt: skip
        page.goto(base)
        wait_for_chart(page, f"c.bars === {SMALL_BARS}")
        page.locator("#symbol").select_option("long")
        chart = wait_for_chart(page, "c.bars === 2000 && c.title.includes('long')")
        assert "long · 1h" in chart["title"]
        newest = page.evaluate(CANDLE_SECONDS)
        assert spacings(newest) == {3600.0}  # candle spacing is the timeframe picked
        shown = page.evaluate(PRICE_PANE)
        assert shown["widest"] == 1
        summary = page.locator("#summary")
        assert summary.inner_text().startswith("5,000 bars at 1h · showing 3,001-5,000")

        # Zoom to the oldest 200 bars held, then drag the chart right by half its width.
        page.evaluate(ZOOM_TO_OLDEST, 200)
        box = page.locator("#chart .nsewdrag").first.bounding_box()
        y = box["y"] + box["height"] * 0.3
        page.mouse.move(box["x"] + box["width"] * 0.3, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.8, y, steps=8)
        page.mouse.up()

        page.wait_for_function(f"() => ({CANDLE_SECONDS})()[0] < {newest[0]}", timeout=30_000)
        older = page.evaluate(CANDLE_SECONDS)
        assert spacings(older) == {3600.0}
        assert len(older) == 2000 and older[-1] < newest[-1]
        view = page.evaluate(X_RANGE)
        assert view[0] < shown["first_x"]  # the view stayed where the user dragged it
        page.wait_for_function(
            "() => !document.querySelector('#summary').innerText.includes('showing 3,001-5,000')",
            timeout=15_000,
        )
        text = summary.inner_text()
        assert text.startswith("5,000 bars at 1h · showing ") and "last " in text

        # Hourly FX with weekends closed: bars side by side, the weekend no wider than a bar.
        page.locator("#symbol").select_option("eurusd")
        wait_for_chart(page, f"c.bars === {len(fx)} && c.title.includes('eurusd')")
        assert max(spacings(page.evaluate(CANDLE_SECONDS))) > 2 * 86400  # the data has gaps
        fx_pane = page.evaluate(PRICE_PANE)
        assert fx_pane["widest"] <= 2  # the figure does not
        assert fx_pane["lowest_tick"] >= 0 and fx_pane["bottom"] >= 0

    assert page.watch.console_errors == []


def test_an_upload_shows_progress_until_it_is_parsed(page, data_dir, tmp_path):
    """Regression (#11 §4): Dash showed nothing for 13 s while a file uploaded and parsed."""
    upload = tmp_path / "progress.csv"
    upload.write_bytes(ohlcv_csv(500, seed=4))
    port = free_port()
    with live_server(["app/main_dash.py"], port=port, health_path="/health",
                     env={"DASH_PORT": str(port)}) as base:  # fmt: skip
        page.goto(base)
        wait_for_chart(page, f"c.bars === {SMALL_BARS}")
        held = []  # the upload's parse request, kept from the server while we look
        page.route(
            UPDATE_URL,
            lambda route: (
                held.append(route)
                if "upload-ref.data" in str((route.request.post_data_json or {}).get("output"))
                else route.continue_()
            ),
        )
        page.locator("#upload input[type=file]").set_input_files(upload)
        progress = page.locator("#upload-progress")
        page.wait_for_function(
            "() => document.querySelector('#upload-progress').innerText.includes('progress.csv')",
            timeout=15_000,
        )
        assert "Uploading and reading progress.csv" in progress.inner_text()
        assert progress.is_visible()
        for _ in range(100):  # the parse request may leave just after the line is shown
            if held:
                break
            page.wait_for_timeout(100)
        assert held, "the upload was parsed before its progress was shown"
        held[0].continue_()
        page.unroute(UPDATE_URL)
        wait_for_chart(page, "c.bars === 500 && c.title.includes('progress.csv')")
        page.wait_for_function(
            "() => document.querySelector('#upload-progress').innerText === ''", timeout=15_000
        )
        assert "progress.csv: 500 bars at 1h" in page.locator("#upload-status").inner_text()

    assert page.watch.console_errors == []


# Trace names with their y axes, the panes (y axes) in the layout, and the level lines drawn.
FIGURE = """() => {
    const gd = document.querySelector('#chart .js-plotly-plot');
    return {
        traces: gd.data.map(t => [t.name, t.yaxis || 'y']),
        axes: Object.keys(gd._fullLayout).filter(k => /^yaxis\\d*$/.test(k)).sort(),
        levels: (gd.layout.shapes || []).filter(s => s.name === 'level').length,
    };
}"""


def pick(page, dropdown: str, option: str) -> None:
    """Choose ``option`` in one of Dash's dropdowns, as a user clicks it."""
    page.locator(dropdown).click()
    page.get_by_role("option", name=option).first.click()
    page.keyboard.press("Escape")


def test_the_indicator_picker_adds_a_pane_and_removing_it_removes_the_pane(page, data_dir):
    port = free_port()
    with live_server(["app/main_dash.py"], port=port, health_path="/health",
                     env={"DASH_PORT": str(port)}) as base:  # fmt: skip
        page.goto(base)
        wait_for_chart(page, f"c.bars === {SMALL_BARS}")
        before = page.evaluate(FIGURE)
        height = page.locator("#chart").bounding_box()["height"]

        pick(page, "#indicator-kind", "MACD · Moving Average Convergence Divergence (pane)")
        # The picked indicator's defaults arrive through a callback: wait for them.
        expect(page.locator("#indicator-param-1")).to_have_value("26")
        page.locator("#indicator-param-0").fill("8")
        page.locator("#indicator-param-0").press("Enter")
        page.get_by_role("button", name="Add indicator").click()
        wait_for_chart(page, "c.names.includes('MACD 8 26 9')")
        after = page.evaluate(FIGURE)
        [macd_axis] = {axis for name, axis in after["traces"] if name.startswith("MACD 8 26 9")}
        assert macd_axis not in ("y", "y2")  # a pane of its own under the price
        assert len(after["axes"]) == len(before["axes"]) + 1
        # room for the pane (the chart's height comes by a callback of its own: it may land
        # after the figure)
        page.wait_for_function(
            f"() => document.querySelector('#chart').getBoundingClientRect().height > {height}",
            timeout=15_000,
        )

        # An SMA draws over the price, in no new pane.
        pick(page, "#indicator-kind", "SMA · Simple Moving Average")
        expect(page.locator("#indicator-param-0")).to_have_value("20")
        page.get_by_role("button", name="Add indicator").click()
        wait_for_chart(page, "c.names.includes('SMA 20')")
        assert ["SMA 20", "y"] in page.evaluate(FIGURE)["traces"]
        assert len(page.evaluate(FIGURE)["axes"]) == len(after["axes"])

        # A bad parameter is said under the button; the chart keeps what it had.
        page.locator("#indicator-param-0").fill("1")
        page.locator("#indicator-param-0").press("Enter")
        page.get_by_role("button", name="Add indicator").click()
        error = page.locator("#indicator-error")
        page.wait_for_function("() => document.querySelector('#indicator-error').innerText")
        assert "from 2 to 1000" in error.inner_text()

        # Its multi-select offers no "Select all" past the 12-line cap; "Deselect all" stays.
        page.locator("#indicators").click()
        expect(page.get_by_role("button", name=re.compile("^deselect all$", re.I))).to_be_visible()
        expect(page.get_by_role("button", name=re.compile("^select all$", re.I))).to_be_hidden()
        page.keyboard.press("Escape")

        # Removing MACD in the multi-select removes its pane.
        pick(page, "#indicators", "MACD 8 26 9")
        wait_for_chart(page, "!c.names.includes('MACD 8 26 9') && c.names.includes('SMA 20')")
        assert page.evaluate(FIGURE)["axes"] == before["axes"]

    assert page.watch.console_errors == []


def test_levels_and_spikes_toggles_draw_on_the_chart_and_the_panel_shows_signals(page, data_dir):
    port = free_port()
    with live_server(["app/main_dash.py"], port=port, health_path="/health",
                     env={"DASH_PORT": str(port)}) as base:  # fmt: skip
        page.goto(base)
        wait_for_chart(page, f"c.bars === {SMALL_BARS}")
        panel = page.locator("#analysis .sc-analysis")
        panel.wait_for(timeout=15_000)
        assert "closed at" in panel.locator(".sc-analysis-summary").inner_text()
        assert "Analysis of the last 300 1h bars" in panel.inner_text()  # one rule, said
        assert panel.locator(".sc-signal").count() >= 4  # trend, RSI, MACD, Bollinger...
        assert page.evaluate(FIGURE)["levels"] == 0

        page.get_by_label("Levels").check()
        page.wait_for_function(f"() => ({FIGURE})().levels > 0", timeout=30_000)
        page.get_by_label("Volume spikes").check()
        wait_for_chart(page, "c.names.includes('Volume spikes')")
        figure = page.evaluate(FIGURE)
        assert ["Volume spikes", "y2"] in figure["traces"]  # on the volume bars
        assert figure["levels"] > 0

        page.get_by_label("Levels").uncheck()
        page.wait_for_function(f"() => ({FIGURE})().levels === 0", timeout=30_000)

    assert page.watch.console_errors == []


def test_a_bar_appended_to_the_file_after_the_page_opened_is_drawn(page, data_dir):
    """#14: dcc.Interval + Patch: the new bar arrives without a reload, the zoom is kept; a
    tick with no new bar (the first after the page loaded too) sends no chart request."""
    port = free_port()
    path = data_dir / "sample_ohlcv.csv"
    checks, live_redraws = [], []  # live checks answered; chart requests a tick set off
    on_live_signal = is_chart_redraw_for("live-signal.data")

    def record_check(request) -> None:
        if (request.post_data_json or {}).get("output") == "live-signal.data":
            checks.append(request)

    page.on("requestfinished", record_check)
    page.on("request", lambda request: on_live_signal(request) and live_redraws.append(request))
    with live_server(["app/main_dash.py"], port=port, health_path="/health",
                     env={"DASH_PORT": str(port), "DASH_REFRESH_S": "2"}) as base:  # fmt: skip
        page.goto(base)
        wait_for_chart(page, f"c.bars === {SMALL_BARS}")
        page.evaluate("window.__same_page = true")
        zoomed = page.evaluate(ZOOM_TO_MIDDLE)
        for _ in range(150):  # the first tick's live check is answered: nothing new yet
            if checks:
                break
            page.wait_for_timeout(100)
        assert checks, "no live check was sent"
        last = path.read_text().rstrip("\n").splitlines()[-1].split(",")
        stamp = pd.Timestamp(last[0]) + pd.Timedelta(hours=1)
        row = [str(stamp).replace("+00:00", ""), "130", "131", "129", "130.5", "999"]
        with path.open("a") as file:
            file.write(",".join(row[: len(last)]) + "\n")

        chart = wait_for_chart(page, f"c.bars === {SMALL_BARS + 1}", timeout=45_000)
        closes = page.evaluate(
            "() => Array.from(document.querySelector('#chart .js-plotly-plot').data[0].close)"
        )
        assert closes[-1] == 130.5 and chart["boxes"] > 0
        # the new bar's volume: a rectangle in the rising path (999 high), none in the falling
        rising, falling = page.evaluate(VOLUME_PATHS)
        assert len(rising["x"]) == len(falling["x"]) == 2 * (SMALL_BARS + 1)
        assert (rising["y"][-2:], falling["y"][-2:]) == ([999, 0], [0, 0])
        assert page.evaluate("window.__same_page === true")
        assert page.evaluate(X_RANGE) == zoomed  # a Patch: the layout was left alone
        assert "live: updated" in page.locator("#summary").inner_text()
        assert len(live_redraws) == 1  # the new bar's; the first tick's found it drawn

    assert page.watch.console_errors == []


def test_download_png_saves_the_chart_as_shown(page, data_dir, tmp_path):
    """#15: dcc.Download of a PNG drawn by Kaleido from the chart's own figure."""
    port = free_port()
    with live_server(["app/main_dash.py"], port=port, health_path="/health",
                     env={"DASH_PORT": str(port)}) as base:  # fmt: skip
        page.goto(base)
        wait_for_chart(page, f"c.bars === {SMALL_BARS}")
        with page.expect_download(timeout=60_000) as started:
            page.get_by_role("button", name="Download PNG").click()
        download = started.value
        assert download.suggested_filename == "sample_ohlcv_1h.png"
        saved = tmp_path / "chart.png"
        download.save_as(saved)
        data = saved.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", data[16:24])
        assert (width, height) == (2800, 1600)
        assert page.locator("#download-error").inner_text() == ""

    assert page.watch.console_errors == []
