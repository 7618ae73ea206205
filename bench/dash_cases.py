"""The Dash app in Chromium on the 5,000-bar hourly symbol: first chart, an indicator added, an
EMA toggled, a live bar, the first PNG.

Each against a floor measured in the same run: plotly.js alone doing the same on a bare page
(``/floor/plotly``: the same bars, no Dash), the hosted ``/chart`` page for the live bar, a warm
PNG for the first one; and against the issue's goal in seconds (the row's ``budget``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from bench.browser import VIEWPORT, shared_browser
from bench.context import BenchContext
from bench.measure import Samples, interleave
from bench.servers import Server, free_port, python_server, uvicorn_args
from bench.table import Row
from bench.web_servers import hello_server, server_env

# ms on the page's clock once the chart's candles are painted; false before.
DASH_DRAWN = """() => {
    const gd = document.querySelector('#chart .js-plotly-plot');
    const candles = gd && gd._fullData && gd._fullData.find(t => t.type === 'candlestick');
    if (!candles || !candles.x || candles.x.length < 100) return false;
    return gd.querySelector('.trace.boxes path') ? performance.now() : false;
}"""
FLOOR_DRAWN = "() => window.floor && window.floor.drawn"
# A line drawn on screen by name: its SVG group is there and shown.
LINE_SHOWN = """(name) => {
    const groups = document.querySelectorAll('#chart .scatterlayer .trace');
    return [...groups].some((group) => {
        const trace = group.__data__ && group.__data__[0] && group.__data__[0].trace;
        return trace && trace.name === name && group.style.display !== 'none'
            && trace.visible === true && group.querySelector('path.js-line');
    });
}"""
CANDLES_HELD = """() => {
    const gd = document.querySelector('#chart .js-plotly-plot');
    const candles = gd && gd._fullData && gd._fullData.find(t => t.type === 'candlestick');
    return candles ? candles.x.length : 0;
}"""
PAGE_CANDLES = "() => window.superChart && window.superChart.candles.data().length"
INDICATOR = "RSI 14"  # the picker's default: "Add indicator" adds it
TOGGLED = "EMA 10"
SETTLE_MS = 300  # after the first draw, before timing an action


def _dash(ctx: BenchContext, key: str, **env: str) -> Server:
    def start():
        port = free_port()
        settings = {**server_env(ctx), "DASH_HOST": "127.0.0.1", "DASH_PORT": str(port), **env}
        return python_server(f"dash-{key}", ["-m", "app.main_dash"], port=port, env=settings)

    return ctx.shared(f"dash_{key}", start)


def _floor_url(ctx: BenchContext) -> str:
    return hello_server(ctx).base_url + "/floor/plotly"


def _open(browser, url: str, drawn: str):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    page.goto(url, wait_until="commit")
    at = page.wait_for_function(drawn, polling="raf", timeout=180_000).json_value()
    return context, page, float(at) / 1000


def _first_draw(browser, url: str, drawn: str) -> float:
    context, _, seconds = _open(browser, url, drawn)
    context.close()
    return seconds


def dash_first_chart(ctx: BenchContext, case: str, budget: float | None) -> Row:
    browser = shared_browser(ctx)
    dash, floor = _dash(ctx, "bench").base_url, _floor_url(ctx)
    samples = interleave(
        lambda: _first_draw(browser, dash, DASH_DRAWN),
        lambda: _first_draw(browser, floor, FLOOR_DRAWN),
        repeats=ctx.sizes.browser_repeats,
    )
    note = "navigation -> candles painted; floor: plotly.js alone draws the 5,000 bars"
    return _row(case, samples, budget, note)


def _timed_on_page(url: str, drawn: str, action: Callable[[object], float]) -> Callable[[], float]:
    def sample(browser) -> float:
        context, page, _ = _open(browser, url, drawn)
        try:
            page.wait_for_timeout(SETTLE_MS)
            return action(page)
        finally:
            context.close()

    return sample


# The user's press and the first frame that shows its result, on the page's clock, watched from
# the page itself (a check from Python would wait behind the work the press set off).
WATCH_PRESS = """([selector, predicate, arg]) => {
    window.__took = null;
    let pressed = null;
    const held = eval(predicate);
    document.querySelector(selector).addEventListener(
        'pointerdown', () => { pressed = performance.now(); }, {capture: true, once: true});
    const frame = () => {  // the clock now, not the frame's start: work may run before us in it
        if (pressed !== null && held(arg)) {
            window.__took = (performance.now() - pressed) / 1000;
            return;
        }
        requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
}"""


def _press_to(page, selector: str, click, predicate: str, arg: object = None) -> float:
    """Seconds on the page's clock from the press on ``selector`` to the first frame where
    ``predicate(arg)`` holds."""
    page.evaluate(WATCH_PRESS, [selector, predicate, arg])
    click()
    handle = page.wait_for_function("() => window.__took", timeout=180_000)
    return float(handle.json_value())


def _add_indicator(page) -> float:
    button = page.get_by_role("button", name="Add indicator")
    return _press_to(page, "#indicator-add", button.click, LINE_SHOWN, INDICATOR)


def _floor_add_pane(page) -> float:
    return page.evaluate("async () => { const t = performance.now(); "
                         "return (await window.floor.addPane() - t) / 1000; }")  # fmt: skip


def dash_indicator_added(ctx: BenchContext, case: str, budget: float | None) -> Row:
    browser = shared_browser(ctx)
    ours = _timed_on_page(_dash(ctx, "bench").base_url, DASH_DRAWN, _add_indicator)
    floor = _timed_on_page(_floor_url(ctx), FLOOR_DRAWN, _floor_add_pane)
    samples = interleave(lambda: ours(browser), lambda: floor(browser),
                         repeats=ctx.sizes.browser_repeats)  # fmt: skip
    note = f"click -> {INDICATOR} drawn in its pane; floor: Plotly.react adds a pane"
    return _row(case, samples, budget, note)


def _toggle_both_ways(page, times: dict[str, list[float]]) -> float:
    """EMA 10 off, then on again: the slower of the two (both are a toggle)."""
    label = page.locator("#emas").get_by_text(TOGGLED, exact=True)
    page.wait_for_function(LINE_SHOWN, arg=TOGGLED, timeout=60_000)
    hidden = f"(n) => !({LINE_SHOWN})(n)"
    off = _press_to(page, "#emas", label.click, hidden, TOGGLED)
    page.wait_for_timeout(SETTLE_MS)  # the restyle that follows the hiding
    on = _press_to(page, "#emas", label.click, LINE_SHOWN, TOGGLED)
    times["off"].append(off)
    times["on"].append(on)
    return max(off, on)


def _floor_toggle_both_ways(page) -> float:
    return page.evaluate("""async () => {
        let t = performance.now();
        const off = await window.floor.toggle(false) - t;
        t = performance.now();
        return Math.max(off, await window.floor.toggle(true) - t) / 1000;
    }""")


def dash_toggle(ctx: BenchContext, case: str, budget: float | None) -> Row:
    browser = shared_browser(ctx)
    times: dict[str, list[float]] = {"off": [], "on": []}
    ours = _timed_on_page(_dash(ctx, "bench").base_url, DASH_DRAWN,
                          lambda page: _toggle_both_ways(page, times))  # fmt: skip
    floor = _timed_on_page(_floor_url(ctx), FLOOR_DRAWN, _floor_toggle_both_ways)
    samples = interleave(lambda: ours(browser), lambda: floor(browser),
                         repeats=ctx.sizes.browser_repeats)  # fmt: skip
    off, on = (sorted(times[k])[len(times[k]) // 2] * 1000 for k in ("off", "on"))
    note = (f"{TOGGLED} off {off:,.0f} ms, on {on:,.0f} ms (medians; ours is the slower); "
            "floor: Plotly.restyle visible")  # fmt: skip
    return _row(case, samples, budget, note)


def _live_folder(ctx: BenchContext) -> tuple[Path, str]:
    """A folder holding the 5,000-bar symbol as a CSV that the live case appends to."""
    folder = ctx.data.root / "dash-live"
    folder.mkdir(parents=True, exist_ok=True)
    symbol = "live_5k_1h"
    frame = pd.read_parquet(ctx.data.small_parquet)
    frame.to_csv(folder / f"{symbol}.csv", index=False, date_format="%Y-%m-%dT%H:%M:%SZ")
    return folder, symbol


def _append_bar(path: Path) -> None:
    last = path.read_text().rstrip("\n").rsplit("\n", 1)[-1].split(",")
    stamp = pd.Timestamp(last[0]) + pd.Timedelta(hours=1)
    close = float(last[4])
    row = [stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), close, close * 1.01, close * 0.99, close, 1000]
    with path.open("a") as file:
        file.write(",".join(str(v) for v in row[: len(last)]) + "\n")


def dash_live_bar(ctx: BenchContext, case: str, budget: float | None) -> Row:
    """One bar appended to the file; seconds until each page shows it (the hosted /chart page,
    fed by the file watcher over its WebSocket, is the floor)."""
    folder, symbol = _live_folder(ctx)
    env = {"DATA_DIR": str(folder), "DEFAULT_SYMBOL": symbol}
    dash = _dash(ctx, "live", **env)

    def start_page_server():
        port = free_port()
        return python_server("fastapi-live", uvicorn_args("app.main_fastapi:app", port),
                             port=port, env={**server_env(ctx), **env})  # fmt: skip

    hosted = ctx.shared("fastapi_live", start_page_server)
    browser = shared_browser(ctx)
    dash_context, dash_page, _ = _open(browser, dash.base_url, DASH_DRAWN)
    page_context, chart_page, _ = _open(
        browser, f"{hosted.base_url}/chart?symbol={symbol}&timeframe=1h", PAGE_CANDLES
    )
    ours: list[float] = []
    floor: list[float] = []
    try:
        dash_page.wait_for_timeout(2000)  # the first live check has run
        for _ in range(ctx.sizes.browser_repeats):
            dash_bars = dash_page.evaluate(CANDLES_HELD)
            page_bars = chart_page.evaluate(PAGE_CANDLES)
            start = time.perf_counter()
            _append_bar(folder / f"{symbol}.csv")
            chart_page.wait_for_function(f"() => ({PAGE_CANDLES})() > {page_bars}",
                                         polling="raf", timeout=60_000)  # fmt: skip
            floor.append(time.perf_counter() - start)
            dash_page.wait_for_function(f"() => ({CANDLES_HELD})() > {dash_bars}",
                                        polling="raf", timeout=60_000)  # fmt: skip
            ours.append(time.perf_counter() - start)
            dash_page.wait_for_timeout(500)
    finally:
        dash_context.close()
        page_context.close()
    note = "append -> candle drawn; floor: the hosted /chart page on the same file"
    return _row(case, Samples(ours, floor), budget, note)


def _png_after_open(base_url: str, browser) -> tuple[float, float]:
    """(first PNG, second PNG) seconds from the click to the file, on a page just opened."""
    context, page, _ = _open(browser, base_url, DASH_DRAWN)
    try:
        took = []
        for _ in range(2):
            start = time.perf_counter()
            with page.expect_download(timeout=120_000) as started:
                page.get_by_role("button", name="Download PNG").click()
            started.value.path()  # saved
            took.append(time.perf_counter() - start)
        return took[0], took[1]
    finally:
        context.close()


def dash_first_png(ctx: BenchContext, case: str, budget: float | None) -> Row:
    """A new server each sample (the first PNG of a process); the floor is the next PNG."""
    browser = shared_browser(ctx)
    firsts: list[float] = []
    warm: list[float] = []
    for _ in range(max(ctx.sizes.browser_repeats - 2, 1)):
        port = free_port()
        env = {**server_env(ctx), "DASH_HOST": "127.0.0.1", "DASH_PORT": str(port)}
        with python_server("dash-png", ["-m", "app.main_dash"], port=port, env=env) as server:
            first, second = _png_after_open(server.base_url, browser)
        firsts.append(first)
        warm.append(second)
    note = "click -> PNG saved, page opened right after the server; floor: the next PNG"
    return _row(case, Samples(firsts, warm), budget, note)


def _row(case: str, samples: Samples, budget: float | None, note: str) -> Row:
    return Row(case, samples.ours_median, samples.floor_median, "s", None, note=note,
               budget=budget)  # fmt: skip
