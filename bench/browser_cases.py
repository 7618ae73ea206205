"""The FastAPI chart page in Chromium, from navigation to candles drawn, against a bare page."""

from __future__ import annotations

from urllib.parse import urlencode

from bench.browser import navigation_to_candles, shared_browser
from bench.context import BenchContext
from bench.datasets import SMALL_BARS
from bench.measure import Samples, interleave
from bench.table import Row
from bench.web_servers import fastapi_server, hello_server


def _chart_page_against_floor(ctx: BenchContext, symbol: str, drawn: list[int]) -> Samples:
    browser = shared_browser(ctx)
    ours_url = fastapi_server(ctx).base_url + "/chart?" + urlencode({"symbol": symbol})
    floor_url = hello_server(ctx).base_url + "/floor/chart"
    return interleave(
        lambda: navigation_to_candles(browser, ours_url, 1, drawn),
        lambda: navigation_to_candles(browser, floor_url, SMALL_BARS),
        repeats=ctx.sizes.browser_repeats,
    )


def _row(case: str, target: float, samples: Samples, drawn: list[int]) -> Row:
    note = f"ours drew {min(drawn):,} candles at first (older on scroll), floor {SMALL_BARS:,}"
    return Row(case, samples.ours_median, samples.floor_median, "s", target, note=note)


def chart_page_small(ctx: BenchContext, case: str, target: float) -> Row:
    drawn: list[int] = []
    samples = _chart_page_against_floor(ctx, ctx.data.small_symbol, drawn)
    return _row(case, target, samples, drawn)


def chart_page_big(ctx: BenchContext, case: str, target: float) -> Row:
    drawn: list[int] = []
    samples = _chart_page_against_floor(ctx, ctx.data.big_symbol, drawn)
    return _row(case, target, samples, drawn)


PANE_INDICATORS = "rsi:14,macd:12:26:9,stoch:14:3:3"  # three oscillators: four panes


def chart_page_panes(ctx: BenchContext, case: str, target: float) -> Row:
    """The page with four panes (price + RSI, MACD, Stochastic) ready against the same page
    without indicators, both on the small symbol: the floor is our own page."""
    browser = shared_browser(ctx)
    base = fastapi_server(ctx).base_url + "/chart?"
    plain_url = base + urlencode({"symbol": ctx.data.small_symbol})
    panes_url = base + urlencode({"symbol": ctx.data.small_symbol, "indicators": PANE_INDICATORS})
    panes: list[int] = []
    samples = interleave(
        lambda: navigation_to_candles(browser, panes_url, 1, panes=panes),
        lambda: navigation_to_candles(browser, plain_url, 1),
        repeats=ctx.sizes.browser_repeats,
    )
    note = f"ours {min(panes)}-{max(panes)} panes, floor: the same page with 1 pane"
    return Row(case, samples.ours_median, samples.floor_median, "s", target, note=note)
