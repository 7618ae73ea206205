"""Debian's Chromium through Playwright, and timing a page from navigation to candles drawn."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.context import BenchContext

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}

# [ms since navigation started (the page's clock), candles held] once the page says it is ready
# (window.superChart.ready, set by our page and the floor page right after their first setData)
# and the candle series holds at least ``minBars`` bars; false before.
CANDLES_DRAWN_AT = """
(minBars) => {
  const chart = window.superChart;
  if (!chart || !chart.ready || !chart.candles) return false;
  const drawn = chart.candles.data().length;
  return drawn >= minBars ? [performance.now(), drawn] : false;
}
"""

# A JavaScript expression: the first Plotly plot on the page, in its own document or in a
# same-origin iframe (the Streamlit dashboard's Plotly component), or null.
PLOTLY_PLOT = """(document.querySelector(".js-plotly-plot") || Array.from(
  document.querySelectorAll("iframe"), (f) => f.contentDocument && f.contentDocument
    .querySelector(".js-plotly-plot")).find(Boolean) || null)"""


class BrowserMissingError(RuntimeError):
    pass


@contextmanager
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        raise BrowserMissingError(f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield browser
        finally:
            browser.close()


def shared_browser(ctx: BenchContext):
    return ctx.shared("browser", chromium)


def navigation_to_candles(
    browser,
    url: str,
    min_bars: int,
    drawn: list[int] | None = None,
    timeout_s: float = 120,
    panes: list[int] | None = None,
) -> float:
    """Seconds from navigation start to the first frame whose candle series holds ``min_bars``,
    in a fresh browser context (cold cache), measured by the page's own clock. The number of
    candles drawn is appended to ``drawn`` when given, the chart's pane count to ``panes``."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url, wait_until="commit")
        handle = page.wait_for_function(
            CANDLES_DRAWN_AT, arg=min_bars, polling="raf", timeout=timeout_s * 1000
        )
        if errors:
            raise RuntimeError(f"{url}: page errors {errors[:3]}")
        at_ms, count = handle.json_value()
        if drawn is not None:
            drawn.append(int(count))
        if panes is not None:
            panes.append(int(page.evaluate("() => window.superChart.chart.panes().length")))
        return float(at_ms) / 1000
    finally:
        context.close()
