"""The Streamlit dashboard in Chromium on 5,000 hourly bars (issue #20): the first chart drawn,
an indicator added, an EMA toggled (its checkbox, its legend entry), a live bar appended to the
file made visible.

Each row times ours against the bare Streamlit app of ``streamlit_floor_app.py`` doing the same
thing on the same file in the same run (the floor), and is judged against the issue's absolute
budget (the ``budget`` of the row). Both apps read one CSV in a folder of their own, which the live
case appends to (reset at the start of a run).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from bench.browser import PLOTLY_PLOT, VIEWPORT, shared_browser
from bench.context import BenchContext
from bench.measure import interleave
from bench.servers import Server, free_port, python_server
from bench.table import Row
from bench.toggle_cases import EMA_NOT_DRAWN

SYMBOL = "bench_5k_1h"
REFRESH_S = 1.0  # the floor's interval, and ours (STREAMLIT_REFRESH_S) in the live case
STREAMLIT_ARGS = (
    "--server.address", "127.0.0.1", "--server.headless", "true",
    "--browser.gatherUsageStats", "false",
)  # fmt: skip

# [ms since navigation, candles] once the first Plotly chart's candlestick is drawn; else false.
CANDLES_AT = """
() => {
  const plot = $plot;
  const trace = plot && plot._fullData && plot._fullData.find((t) => t.type === "candlestick");
  if (!trace || !plot.querySelector(".trace.boxes path")) return false;
  return [performance.now(), trace.x.length];
}
""".replace("$plot", PLOTLY_PLOT)
TRACE_NAMES = """
() => {
  const plot = $plot;
  return plot && plot.data ? plot.data.map((trace) => String(trace.name)) : [];
}
""".replace("$plot", PLOTLY_PLOT)
HAS_TRACE = f"([prefix, wanted]) => ({TRACE_NAMES})().some((n) => n.startsWith(prefix)) === wanted"
# Where the legend entry named ``name`` is on the page (the plot may be in a component's iframe).
LEGEND_ENTRY_AT = """
(name) => {
  const plot = $plot;
  const item = plot && Array.from(plot.querySelectorAll(".legend .traces"))
    .find((g) => g.querySelector(".legendtext").textContent === name);
  if (!item) return null;
  const box = item.querySelector(".legendtoggle").getBoundingClientRect();
  const frame = Array.from(document.querySelectorAll("iframe"))
    .find((f) => f.contentDocument === plot.ownerDocument);
  const offset = frame ? frame.getBoundingClientRect() : { left: 0, top: 0 };
  return [offset.left + box.left + box.width / 2, offset.top + box.top + box.height / 2];
}
""".replace("$plot", PLOTLY_PLOT)
LAST_CLOSE_IS = """
(close) => {
  const plot = $plot;
  const trace = plot && plot._fullData && plot._fullData.find((t) => t.type === "candlestick");
  return !!trace && Math.abs(trace.close[trace.close.length - 1] - close) < 1e-9;
}
""".replace("$plot", PLOTLY_PLOT)


def _csv(ctx: BenchContext) -> Path:
    """The 5,000-bar symbol as a CSV in a folder of its own, fresh each run (live appends)."""
    folder = ctx.data.root / "streamlit-5k"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{SYMBOL}.csv"
    if not ctx._shared.get("streamlit_csv_reset"):
        frame = pd.read_parquet(ctx.data.small_parquet)
        frame.to_csv(path, index=False, date_format="%Y-%m-%dT%H:%M:%SZ")
        ctx._shared["streamlit_csv_reset"] = True
    return path


def _server(ctx: BenchContext, floor: bool) -> Server:
    def make():
        csv = _csv(ctx)
        port = free_port()
        script = "bench/streamlit_floor_app.py" if floor else "app/main_streamlit.py"
        env = {
            "DATA_SOURCE": "csv", "DATA_DIR": str(csv.parent), "DEFAULT_SYMBOL": SYMBOL,
            "DEFAULT_TIMEFRAME": "1h", "DATA_API_BASE": "", "STREAMLIT_REFRESH_S": str(REFRESH_S),
            "BENCH_FLOOR_CSV": str(csv), "BENCH_FLOOR_REFRESH_S": str(REFRESH_S),
        }  # fmt: skip
        args = ["-m", "streamlit", "run", script, "--server.port", str(port), *STREAMLIT_ARGS]
        name = "streamlit-floor" if floor else "streamlit"
        return python_server(name, args, port=port, health_path="/_stcore/health", env=env)

    return ctx.shared("streamlit_floor" if floor else "streamlit_5k", make)


def _opened(browser, url: str):
    """A fresh context on ``url``, its first chart drawn: (context, page, seconds to draw)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url, wait_until="commit")
    at_ms, _ = page.wait_for_function(CANDLES_AT, polling="raf", timeout=180_000).json_value()
    return context, page, float(at_ms) / 1000


def _first_chart(browser, url: str) -> float:
    context, _page, seconds = _opened(browser, url)
    context.close()
    return seconds


def _after_action(
    browser, url: str, act: Callable[..., None], done: str, arg, aim: Callable | None = None
) -> float:
    """Seconds from ``act`` on an opened page to ``done(arg)`` true (a frame's clock).
    ``aim(page)``, when given, finds what to act on before the clock starts: ``act(page, it)``."""
    context, page, _ = _opened(browser, url)
    try:
        page.wait_for_timeout(500)  # let the first render settle before timing
        target = aim(page) if aim else None
        start = time.perf_counter()
        act(page) if aim is None else act(page, target)
        page.wait_for_function(done, arg=arg, polling="raf", timeout=180_000)
        return time.perf_counter() - start
    finally:
        context.close()


def _row(ctx, case: str, budget: float, sample: Callable[[str], float], note: str) -> Row:
    ours, floor = _server(ctx, floor=False), _server(ctx, floor=True)
    samples = interleave(
        lambda: sample(ours.base_url),
        lambda: sample(floor.base_url),
        repeats=ctx.sizes.browser_repeats,
    )
    return Row(case, samples.ours_median, samples.floor_median, "s", None, budget=budget,
               note=note)  # fmt: skip


def first_chart(ctx: BenchContext, case: str, budget: float | None) -> Row:
    browser = shared_browser(ctx)
    note = "navigation -> candles painted; floor: a bare st.plotly_chart of the same bars"
    return _row(ctx, case, budget, lambda url: _first_chart(browser, url), note)


def _add_rsi(page) -> None:
    picker = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Indicators")
    picker.locator("input").first.click()
    page.get_by_role("option", name="RSI").first.click()


def indicator_added(ctx: BenchContext, case: str, budget: float | None) -> Row:
    browser = shared_browser(ctx)
    note = "RSI picked -> its pane drawn; floor: a bare app adding an RSI pane"

    def sample(url: str) -> float:
        return _after_action(browser, url, _add_rsi, HAS_TRACE, ["RSI", True])

    return _row(ctx, case, budget, sample, note)


def _untick_ema(page) -> None:
    checkbox = page.locator('[data-testid="stCheckbox"]').filter(has_text="EMA 10")
    checkbox.locator("label").first.click()


def toggle(ctx: BenchContext, case: str, budget: float | None) -> Row:
    browser = shared_browser(ctx)
    note = "EMA 10 unticked -> its line not drawn; floor: the bare app's checkbox"

    def sample(url: str) -> float:
        return _after_action(browser, url, _untick_ema, EMA_NOT_DRAWN, "EMA 10")

    return _row(ctx, case, budget, sample, note)


def _legend_ema_at(page) -> list[float]:
    at = page.evaluate(LEGEND_ENTRY_AT, "EMA 10")
    if at is None:
        raise RuntimeError("no 'EMA 10' entry in the Plotly chart's legend")
    return at


def _click_at(page, at: list[float]) -> None:
    page.mouse.click(*at)


def toggle_legend(ctx: BenchContext, case: str, budget: float | None) -> Row:
    browser = shared_browser(ctx)
    note = "legend's EMA 10 clicked -> its line not drawn; floor: Plotly's own legend click"

    def sample(url: str) -> float:
        return _after_action(browser, url, _click_at, EMA_NOT_DRAWN, "EMA 10", aim=_legend_ema_at)

    return _row(ctx, case, budget, sample, note)


def live_bar(ctx: BenchContext, case: str, budget: float | None) -> Row:
    """From the append (a CSV line written) to the new candle in the chart."""
    browser = shared_browser(ctx)
    csv = _csv(ctx)

    def sample(url: str) -> float:
        context, page, _ = _opened(browser, url)
        try:
            last = pd.read_csv(csv).tail(1)
            time_ = pd.Timestamp(last["time"].iloc[-1]) + pd.Timedelta(hours=1)
            close = round(float(last["close"].iloc[-1]) + 0.37, 2)  # names this bar on the chart
            line = f"{time_:%Y-%m-%dT%H:%M:%SZ},{close},{close + 1},{close - 1},{close},1000\n"
            start = time.perf_counter()
            with open(csv, "a") as file:
                file.write(line)
            page.wait_for_function(LAST_CLOSE_IS, arg=close, polling="raf", timeout=60_000)
            return time.perf_counter() - start
        finally:
            context.close()

    note = f"append -> candle drawn; both poll every {REFRESH_S:g} s; floor: the bare app"
    return _row(ctx, case, budget, sample, note)
