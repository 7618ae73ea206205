"""The workspace page (/workspace) in Chromium: four live charts of 10,000 bars opened against
one, and the frame time while panning all four against the 16 ms budget of a 60 Hz frame."""

from __future__ import annotations

import statistics
from urllib.parse import urlencode

from bench.browser import VIEWPORT, shared_browser
from bench.context import BenchContext
from bench.measure import interleave
from bench.table import Row
from bench.web_servers import fastapi_server

FRAME_BUDGET_S = 0.016
PAN_FRAMES = 120
# [ms since navigation started, bars held per chart] once every chart drew its bars; false before.
CHARTS_DRAWN_AT = """
(count) => {
  const ws = window.superWorkspace;
  if (!ws || !ws.ready) return false;
  const views = ws.workspace.views;
  if (views.length !== count || !views.every((v) => v.loads > 0 && v.columns)) return false;
  return [performance.now(), Math.min(...views.map((v) => v.columns.time.length))];
}
"""
# Pans every chart by a few bars per frame; each frame's time is the pan plus the charts'
# rendering, read in a frame callback queued after Lightweight Charts' own (the page's clock).
PAN = """
(frames) => new Promise((resolve) => {
  const views = window.superWorkspace.workspace.views;
  const times = [];
  let panCost = null;
  function frame(stamp) {
    // This frame's work: Lightweight Charts' rendering (its callbacks were queued before ours)
    // plus the pan made in the frame before.
    if (panCost !== null) times.push(panCost + (performance.now() - stamp));
    if (times.length >= frames) return resolve(times);
    const panStart = performance.now();
    const shift = (times.length % 60) < 30 ? -3 : 3;
    for (const view of views) {
      const scale = view.chart.timeScale();
      scale.scrollToPosition(scale.scrollPosition() + shift, false);
    }
    panCost = performance.now() - panStart;
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
})
"""


def _url(ctx: BenchContext, count: int) -> str:
    symbol = ctx.data.big_symbol
    charts = ",".join(f"{symbol}~1m" for _ in range(count))
    grid = "4" if count == 4 else "1"
    return (
        fastapi_server(ctx).base_url + "/workspace?" + urlencode({"grid": grid, "charts": charts})
    )


def _open(browser, url: str, count: int, held: list[int]) -> float:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit")
        handle = page.wait_for_function(CHARTS_DRAWN_AT, arg=count, polling="raf", timeout=120_000)
        at_ms, bars = handle.json_value()
        held.append(bars)
        return at_ms / 1000
    finally:
        context.close()


def workspace_open(ctx: BenchContext, case: str, target: float) -> Row:
    browser = shared_browser(ctx)
    held: list[int] = []
    samples = interleave(
        lambda: _open(browser, _url(ctx, 4), 4, held),
        lambda: _open(browser, _url(ctx, 1), 1, held),
        repeats=ctx.sizes.browser_repeats,
    )
    note = f"{min(held):,} bars per chart, all live on one WebSocket; floor: the same page, 1 chart"
    return Row(case, samples.ours_median, samples.floor_median, "s", target, note=note)


def workspace_pan(ctx: BenchContext, case: str, target: float) -> Row:
    browser = shared_browser(ctx)
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(_url(ctx, 4))
        held = page.wait_for_function(CHARTS_DRAWN_AT, arg=4, timeout=120_000).json_value()[1]
        page.evaluate(PAN, 10)  # warm up
        frames_ms = page.evaluate(PAN, PAN_FRAMES)
    finally:
        context.close()
    median = statistics.median(frames_ms) / 1000
    note = f"4 charts x {held:,} bars, {PAN_FRAMES} frames; floor: the 16 ms budget"
    return Row(case, median, FRAME_BUDGET_S, "s", target, note=note)
