"""Streamlit: an EMA toggle clicked -> the Plotly chart without that line drawn (Dash's toggle:
bench/dash_cases.py).

Ours is the app opened on the 1M-bar symbol, the floor the same app opened on the 5,000-bar
symbol, each its own server process started the same way (only DEFAULT_SYMBOL differs).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bench.browser import PLOTLY_PLOT, VIEWPORT, shared_browser
from bench.context import BenchContext
from bench.measure import interleave
from bench.servers import Server, free_port, python_server
from bench.table import Row
from bench.web_servers import server_env

TOGGLED_EMA = 10
# Whether the first Plotly chart draws the EMA line on screen: null before the chart has data,
# false when its trace is gone (a figure without it), hidden (visible false or "legendonly": a
# figure that keeps every EMA, restyled) or its SVG group is (the frame before that restyle, as
# the Dash app's switches and bench/dash_cases.py's LINE_SHOWN).
_EMA_SHOWN = """
(name) => {
  const plot = $plot;
  if (!plot || !plot.data || !plot.data.length) return null;
  const shown = (trace) => trace && trace.name === name
    && (trace.visible === undefined || trace.visible === true);
  if (!plot.data.some(shown)) return false;
  return Array.from(plot.querySelectorAll(".scatterlayer .trace")).some((group) =>
    group.style.display !== "none" && shown(group.__data__ && group.__data__[0]
      && group.__data__[0].trace));
}
""".replace("$plot", PLOTLY_PLOT)
EMA_DRAWN = f"(name) => ({_EMA_SHOWN})(name) === true"
EMA_NOT_DRAWN = f"(name) => ({_EMA_SHOWN})(name) === false"

ServerStarter = Callable[[int, dict[str, str]], object]


def _app_server(ctx: BenchContext, key: str, start: ServerStarter, symbol: str) -> Server:
    def make():
        port = free_port()
        return start(port, {**server_env(ctx), "DEFAULT_SYMBOL": symbol})

    return ctx.shared(key, make)


def toggle_to_redraw(browser, url: str, click_toggle: Callable[[object], None]) -> float:
    """Seconds from the click on the EMA toggle to the chart not drawing that EMA."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(url)
        name = f"EMA {TOGGLED_EMA}"
        page.wait_for_function(EMA_DRAWN, arg=name, timeout=180_000)
        page.wait_for_timeout(300)  # let the first render settle before timing the click
        start = time.perf_counter()
        click_toggle(page)
        page.wait_for_function(EMA_NOT_DRAWN, arg=name, polling="raf", timeout=180_000)
        return time.perf_counter() - start
    finally:
        context.close()


def _toggle_case(ctx: BenchContext, case: str, target: float, start: ServerStarter, key: str,
                 click_toggle: Callable[[object], None]) -> Row:  # fmt: skip
    data = ctx.data
    ours = _app_server(ctx, f"{key}_big", start, data.big_symbol)
    floor = _app_server(ctx, f"{key}_small", start, data.small_symbol)
    browser = shared_browser(ctx)
    samples = interleave(
        lambda: toggle_to_redraw(browser, ours.base_url, click_toggle),
        lambda: toggle_to_redraw(browser, floor.base_url, click_toggle),
        repeats=ctx.sizes.browser_repeats,
    )
    return Row(case, samples.ours_median, samples.floor_median, "s", target,
               note=f"floor: {data.small_symbol}")  # fmt: skip


def _start_streamlit(port: int, env: dict[str, str]):
    args = [
        "-m", "streamlit", "run", "app/main_streamlit.py",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    return python_server("streamlit", args, port=port, health_path="/_stcore/health", env=env)


def _click_streamlit_checkbox(page) -> None:
    checkbox = page.locator('[data-testid="stCheckbox"]').filter(has_text=f"EMA {TOGGLED_EMA}")
    checkbox.locator("label").first.click()


def streamlit_toggle(ctx: BenchContext, case: str, target: float) -> Row:
    return _toggle_case(ctx, case, target, _start_streamlit, "streamlit", _click_streamlit_checkbox)
