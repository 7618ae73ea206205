"""The dashboard in Chromium against one `streamlit run` server for the module: what a user sees
on a 5,000-bar hourly symbol (issue #11 §1 and the features built on it)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from app.streamlit_app.engines import PLOTLY_WINDOW_BARS
from tests.streamlit.lightweight_frame import chart_frame
from tests.streamlit.ohlcv_samples import ohlcv_csv, ohlcv_frame
from tests.streamlit.plotly_frame import IFRAME, PLOT, plot_offset
from tests.streamlit.streamlit_server import streamlit_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROWS = 5_000
SEED = 21

# The Plotly figure as the browser drew it (typed arrays decoded): candle times (ms), closes,
# title, painted boxes.
FIGURE = """() => {
    const gd = $plot;
    const trace = gd && gd._fullData && gd._fullData.find(t => t.type === 'candlestick');
    if (!trace) return null;
    // the candles' dates (their hover text: bars sit at positions, side by side)
    const ms = Array.from(trace.customdata, t => Date.parse(String(t).replace(' UTC', 'Z')
        .replace(' ', 'T')));
    return {
        times: ms,
        gaps: Math.max(...Array.from(trace.x).slice(1).map((x, i) => x - trace.x[i])),
        closes: Array.from(trace.close),
        title: (gd.layout.title && gd.layout.title.text) || '',
        boxes: gd.querySelectorAll('.trace.boxes path').length,
        traces: gd.data.map(t => t.name),
    };
}""".replace("$plot", PLOT)

# The frame coordinates of candle ``i`` (middle of the price pane), to hover it with the mouse.
CANDLE_POINT = """(i) => {
    const gd = $plot;
    const trace = gd._fullData.find(t => t.type === 'candlestick');  // arrays decoded
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const box = gd.getBoundingClientRect();
    const x = xa.d2p(xa.d2c(trace.x[i]));
    return [box.left + xa._offset + x, box.top + ya._offset + ya._length / 2];
}""".replace("$plot", PLOT)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("data")
    (folder / "hourly.csv").write_bytes(ohlcv_csv(ROWS, seed=SEED))
    # refresh 0: no redraws under the clicks (tests/streamlit/test_live.py)
    with streamlit_app(folder / "hourly.csv", refresh_s="0", EMA_PERIODS="10,21,50,150") as base:
        yield base


def wait_for_figure(page, predicate: str, timeout: float = 90_000) -> dict:
    """Generous: on a loaded 2-core CI machine the first figure can take 20 s to appear."""
    page.wait_for_function(
        f"() => {{ const c = ({FIGURE})(); return c && ({predicate}); }}", timeout=timeout
    )
    return page.evaluate(FIGURE)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar's selectbox labelled ``label``, as a user does."""
    sidebar = page.locator("section[data-testid='stSidebar']")
    sidebar.locator("[data-testid='stSelectbox']").filter(has_text=label).click()
    page.get_by_role("option", name=option).click()


def spacings_s(times_ms: list[int]) -> set[float]:
    return {(b - a) / 1000 for a, b in itertools.pairwise(times_ms)}


def hover_text(page, index: int) -> str:
    x, y = page.evaluate(CANDLE_POINT, index)
    left, top = plot_offset(page)
    page.mouse.move(left + x, top + y)
    hover = page.frame_locator(IFRAME).locator(".js-plotly-plot .hoverlayer")
    page.wait_for_function(f"() => {PLOT}.querySelector('.hoverlayer').textContent.length > 0")
    return hover.text_content()


def test_hourly_bars_are_drawn_hourly_and_older_ones_are_a_page_away(page, server):
    bars = ohlcv_frame(ROWS, seed=SEED)
    page.goto(server)
    fig = wait_for_figure(page, f"c.times.length === {PLOTLY_WINDOW_BARS} && c.boxes > 0")
    assert spacings_s(fig["times"]) == {3600.0}  # candle spacing equals the timeframe
    assert fig["gaps"] == 1  # bars side by side
    last = bars.iloc[-1]
    assert fig["times"][-1] == int(last["time"].timestamp() * 1000)
    assert fig["closes"][-1] == pytest.approx(last["close"])
    assert "hourly · 1h" in fig["title"]
    # (drawn after the chart: it may follow it by a moment)
    expect(page.get_by_text("Bars 3,001–5,000 of 5,000 at 1h")).to_be_visible(timeout=30_000)

    # Hovering a candle shows one hourly bar of the file: its time and its own OHLC values.
    text = hover_text(page, PLOTLY_WINDOW_BARS - 3)
    hovered = pd.Timestamp(re.search(r"(\d{4}-\d\d-\d\d \d\d:\d\d) UTC", text)[1], tz="UTC")
    assert hovered >= bars["time"].iloc[-10]
    [bar] = bars[bars["time"] == hovered].itertuples()
    for name in ("open", "high", "low", "close"):
        shown = float(re.search(rf"{name}: ([-\d,.]+)", text)[1].replace(",", ""))
        assert shown == pytest.approx(getattr(bar, name), abs=1e-3), name

    page.get_by_role("button", name="Older").click()
    first = int(bars["time"].iloc[1_000].timestamp() * 1000)
    fig = wait_for_figure(page, f"c.times[0] === {first}")
    assert len(fig["times"]) == PLOTLY_WINDOW_BARS
    assert spacings_s(fig["times"]) == {3600.0}
    expect(page.get_by_text("Bars 1,001–3,000 of 5,000 at 1h")).to_be_visible(timeout=30_000)

    page.get_by_role("button", name="Newest").click()
    newest = int(last["time"].timestamp() * 1000)
    wait_for_figure(page, f"c.times[c.times.length - 1] === {newest}")
    assert page.watch.console_errors == []
    assert page.watch.external_requests == []


def test_auto_says_which_coarser_timeframe_it_drew(page, server):
    page.goto(server)
    wait_for_figure(page, "c.boxes > 0")
    choose(page, "Timeframe", "Auto (whole history)")
    fig = wait_for_figure(page, "c.title.includes('· 4h')")
    assert spacings_s(fig["times"]) == {4 * 3600.0}
    expect(page.get_by_text("Auto: drawn at 4h", exact=False)).to_be_visible(timeout=30_000)


def test_uploads_say_what_is_drawn_or_why_not_next_to_the_uploader(page, server, tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"time,open,high,low,close\n2024-01-01 00:00,1,2,0.5,1.5\n2024-01-01,1\n")
    good = tmp_path / "mine.csv"
    good.write_bytes(ohlcv_csv(120, seed=3))
    page.goto(server)
    wait_for_figure(page, "c.boxes > 0")
    sidebar = page.locator("section[data-testid='stSidebar']")

    sidebar.locator("input[type='file']").set_input_files(broken)
    error = sidebar.locator("[data-testid='stAlertContentError']")
    error.wait_for(timeout=30_000)
    assert "broken.csv" in error.text_content()
    expect(page.get_by_text("The uploaded file cannot be drawn")).to_be_visible(timeout=30_000)

    sidebar.locator("input[type='file']").set_input_files(good)
    wait_for_figure(page, "c.times.length === 120 && c.title.includes('mine.csv')")
    expect(sidebar.get_by_text("120 bars at 1h", exact=False)).to_be_visible(timeout=30_000)
    # the last run's error stays on the page until this run ends
    expect(sidebar.locator("[data-testid='stAlertContentError']")).to_have_count(0, timeout=30_000)


LEVEL_SHAPES = """() => {
    const gd = $plot;
    return gd && gd.layout && (gd.layout.shapes || []).filter(s => s.name === 'level').length;
}""".replace("$plot", PLOT)


def test_levels_png_download_and_an_indicator_pane(page, server):
    page.goto(server)
    wait_for_figure(page, "c.boxes > 0")
    sidebar = page.locator("section[data-testid='stSidebar']")

    sidebar.get_by_text("Levels", exact=True).click()
    page.wait_for_function(f"() => ({LEVEL_SHAPES})() > 0", timeout=30_000)

    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download PNG").click()
    assert download.value.suggested_filename == "hourly_1h.png"
    data = Path(download.value.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"

    sidebar.locator("[data-testid='stMultiSelect']").filter(has_text="Indicators").click()
    page.get_by_role("option", name="RSI · Relative Strength Index (own pane)").click()
    page.keyboard.press("Escape")
    sidebar.get_by_text("RSI (Length)", exact=True).wait_for(timeout=30_000)
    page.get_by_text("Lightweight Charts", exact=True).click()
    frame = chart_frame(page)
    frame.wait_for_function("() => superChart.chart.panes().length === 2", timeout=30_000)
    assert page.watch.console_errors == []
