"""#20: the Plotly engine keeps the user's zoom across live bars. In Chromium against a real
`streamlit run` refreshing every second: the user zooms with the mouse wheel, a bar is appended
to the file, the new bar is drawn in the same plot (no remount) and the x range stays; a view
that showed the newest bar moves right with the new one, keeping its width. The date labels
follow zoom, pan and reset (hours on their bars, days again). A grid cell keeps its zoom across
a rerun and a live bar. One server for the module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.streamlit.ohlcv_samples import ohlcv_csv
from tests.streamlit.plotly_frame import IFRAME, PLOT, plot_offset
from tests.streamlit.streamlit_server import streamlit_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BARS = 300

# What the plot holds and shows: bars, the last candle, the x range, and whether it is the
# element the test marked (a remount would make a new one).
STATE = """() => {
    const gd = $plot;
    const trace = gd && gd._fullData && gd._fullData.find(t => t.type === 'candlestick');
    if (!trace) return null;
    const n = trace.x.length;
    return {bars: n, lastX: Number(trace.x[n - 1]), lastClose: trace.close[n - 1],
            range: gd._fullLayout.xaxis.range.map(Number),
            autorange: gd._fullLayout.xaxis.autorange,
            boxes: gd.querySelectorAll('.trace.boxes path').length,
            marked: gd.__marked === true};
}""".replace("$plot", PLOT)
# The plot's area on the page (plot coordinates are the frame's).
PLOT_AREA = """() => {
    const gd = $plot, xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const box = gd.getBoundingClientRect();
    return {left: box.left + xa._offset, top: box.top + ya._offset,
            width: xa._length, height: ya._length};
}""".replace("$plot", PLOT)
# Counts Plotly's reports of an x range the user's gesture set (sent once its zoom settled).
WATCH_RELAYOUTS = """() => {
    const gd = $plot;
    window.__relayouts = 0;
    gd.on('plotly_relayout', (change) => {
        if ('xaxis.range[0]' in change || 'xaxis.range' in change) window.__relayouts += 1;
    });
}""".replace("$plot", PLOT)

# A zoom reported, and neither the x range nor the reports changed for 700 ms.
ZOOM_SETTLED = """() => {
    const s = ($state)();
    if (!s || !window.__relayouts || s.autorange !== false) return false;
    const key = window.__relayouts + ':' + s.range.join(',');
    const now = performance.now();
    if (!window.__settled || window.__settled.key !== key) {
        window.__settled = {key, since: now};
        return false;
    }
    return now - window.__settled.since >= 700;
}""".replace("$state", STATE)


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory) -> Path:
    folder: Path = tmp_path_factory.mktemp("live")
    (folder / "live.csv").write_bytes(ohlcv_csv(BARS))
    return folder


@pytest.fixture(scope="module")
def server(data_folder: Path) -> Iterator[str]:
    with streamlit_app(data_folder / "live.csv", EMA_PERIODS="10,21") as base:
        yield base


def state(page) -> dict:
    return page.evaluate(STATE)


def wait_for_state(page, predicate: str, timeout: float = 60_000) -> dict:
    page.wait_for_function(
        f"() => {{ const s = ({STATE})(); return s && ({predicate}); }}", timeout=timeout
    )
    return state(page)


def bars_in_file(folder: Path) -> int:
    return len(pd.read_csv(folder / "live.csv"))


def append_bar(folder: Path, close: float) -> pd.Timestamp:
    """One more hourly bar after the file's last one, closing at ``close``."""
    time = pd.Timestamp(pd.read_csv(folder / "live.csv")["time"].iloc[-1]) + pd.Timedelta(hours=1)
    line = f"{time:%Y-%m-%d %H:%M:%S},{close - 0.5},{close + 1},{close - 1},{close},777\n"
    with open(folder / "live.csv", "ab") as file:
        file.write(line.encode())
    return time


def zoom_in_at(page, fraction: float) -> dict:
    """Wheel-zoom in with the mouse at ``fraction`` of the plot's width (1: its last pixel), as
    a user does; the state once Plotly has settled the new range."""
    area = page.evaluate(PLOT_AREA)
    left, top = plot_offset(page)
    page.evaluate(WATCH_RELAYOUTS)
    x = area["left"] + min(area["width"] * fraction, area["width"] - 2)
    page.mouse.move(left + x, top + area["top"] + 100)
    for _ in range(3):
        page.mouse.wheel(0, -240)
    # Plotly reports a wheel zoom once the wheel has rested a moment: wheel events spread out
    # on a loaded machine come as several reports, so the range is read once it has settled.
    page.wait_for_function(ZOOM_SETTLED, polling=100, timeout=30_000)
    zoomed = state(page)
    page.evaluate(f"() => {{ {PLOT}.__marked = true; }}")
    return zoomed


def open_chart(page, server: str, bars: int) -> dict:
    page.set_default_timeout(90_000)  # a shared 2-core machine under load
    page.goto(server)
    page.wait_for_selector(IFRAME, timeout=90_000)
    return wait_for_state(page, f"s.bars === {bars} && s.boxes > 0", timeout=90_000)


def test_a_live_bar_is_drawn_and_the_zoomed_range_stays(page, server, data_folder):
    bars = bars_in_file(data_folder)
    opened = open_chart(page, server, bars)
    assert opened["range"] == pytest.approx([-0.5, bars - 0.5])  # the whole window at first
    zoomed = zoom_in_at(page, 0.4)  # into older bars: the newest one is off to the right
    assert zoomed["range"][1] < bars - 2
    assert zoomed["range"][1] - zoomed["range"][0] < bars * 0.8

    append_bar(data_folder, close=123.0)
    after = wait_for_state(page, f"s.bars === {bars + 1}")

    assert after["marked"] is True  # the same plot: updated, not remounted
    assert after["lastX"] == opened["lastX"] + 1 and after["lastClose"] == pytest.approx(123.0)
    assert after["boxes"] == bars + 1  # the new candle is painted with the others
    assert after["range"] == pytest.approx(zoomed["range"])  # the user's view, as they left it
    assert page.watch.console_errors == []
    assert page.watch.external_requests == []


def test_a_view_on_the_newest_bar_follows_new_bars(page, server, data_folder):
    bars = bars_in_file(data_folder)
    opened = open_chart(page, server, bars)
    zoomed = zoom_in_at(page, 1.0)  # at the right edge: the newest bar stays in view
    assert zoomed["range"][1] >= opened["lastX"]
    width = zoomed["range"][1] - zoomed["range"][0]
    assert width < bars * 0.8

    append_bar(data_folder, close=131.5)
    after = wait_for_state(page, f"s.bars === {bars + 1}")

    assert after["marked"] is True
    assert after["lastClose"] == pytest.approx(131.5)
    assert after["range"][0] == pytest.approx(zoomed["range"][0] + 1)  # moved by one bar
    assert after["range"][1] - after["range"][0] == pytest.approx(width)  # the zoom kept
    assert after["range"][0] <= after["lastX"] <= after["range"][1]  # the new bar in view
    assert page.watch.console_errors == []


# The x axis' labels: [position, text] of each tick inside the range shown, and the texts drawn.
X_TICKS = """() => {
    const gd = $plot, axis = gd._fullLayout.xaxis;
    const [a, b] = axis.range.map(Number);
    return {range: [a, b],
            ticks: Array.from(axis.tickvals || []).map((v, i) => [Number(v), axis.ticktext[i]])
                .filter(([v]) => v >= a && v <= b),
            drawn: [...gd.querySelectorAll('.xtick text')].map(t => t.textContent)};
}""".replace("$plot", PLOT)
HOVER_DATES = """() => {
    const candles = $plot._fullData.find(t => t.type === 'candlestick');
    return [Number(candles.x[0]), Array.from(candles.customdata)];
}""".replace("$plot", PLOT)
SET_X_RANGE = """async (range) => {
    const gd = $plot;
    await gd.ownerDocument.defaultView.Plotly.relayout(gd, {'xaxis.range': range});
}""".replace("$plot", PLOT)


def hour_labels_on_their_bars(page, dates: list[str], first: int, condition: str) -> dict:
    """The axis once it shows 3+ hour labels (and ``condition`` on its state ``t`` holds); each
    label must name its own bar and be on screen."""
    page.wait_for_function(
        f"() => {{ const t = ({X_TICKS})(); return t.ticks.length >= 3 "
        f"&& t.ticks.every(([, text]) => text.includes(':')) && ({condition}); }}",
        timeout=30_000,
    )
    shown = page.evaluate(X_TICKS)
    for position, text in shown["ticks"]:
        date = dates[int(position) - first]  # "2024-01-06 14:00 UTC" for "06 Jan 14:00"
        day, hour = date.split(" ")[0].split("-")[2], date.split(" ")[1]
        assert text.startswith(day) and text.endswith(hour), (text, date)
    assert set(shown["drawn"]) >= {text for _, text in shown["ticks"]}
    return shown


def test_date_labels_follow_zoom_pan_and_reset(page, server, data_folder):
    bars = bars_in_file(data_folder)
    open_chart(page, server, bars)
    whole = page.evaluate(X_TICKS)
    assert len(whole["ticks"]) >= 3
    assert not any(":" in text for _, text in whole["ticks"])  # 300 hours: days
    first, dates = page.evaluate(HOVER_DATES)
    middle = first + len(dates) // 2

    page.evaluate(SET_X_RANGE, [middle, middle + 30])  # zoomed into 30 hourly bars
    zoomed = hour_labels_on_their_bars(page, dates, first, "true")
    assert zoomed["range"] == pytest.approx([middle, middle + 30])

    area = page.evaluate(PLOT_AREA)  # pan with the mouse (the chart's drag mode): older bars
    left, top = plot_offset(page)
    x, y = left + area["left"] + area["width"] * 0.3, top + area["top"] + area["height"] * 0.5
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + area["width"] * 0.5, y, steps=8)
    page.mouse.up()
    panned = hour_labels_on_their_bars(page, dates, first, f"t.range[1] < {middle + 25}")
    assert panned["ticks"] != zoomed["ticks"]

    page.mouse.dblclick(x, y)  # Plotly's reset: the whole window, labelled in days again
    page.wait_for_function(
        f"() => {{ const t = ({X_TICKS})(); return t.range[1] - t.range[0] > {len(dates) - 2}"
        " && t.ticks.length >= 3 && !t.ticks.some(([, text]) => text.includes(':')); }",
        timeout=30_000,
    )
    assert page.watch.console_errors == []


# The title and x range of the grid's n-th chart (the cells are the same component, in order).
CELL = f"""(n) => {{
    const frame = document.querySelectorAll("{IFRAME}")[n];
    const gd = frame && frame.contentDocument.querySelector('.js-plotly-plot');
    if (!gd || !gd._fullLayout) return null;
    return {{title: gd._fullLayout.title.text, range: gd._fullLayout.xaxis.range.map(Number)}};
}}"""


def test_a_zoomed_grid_cell_keeps_its_range_across_reruns_and_live_bars(page, server, data_folder):
    bars = bars_in_file(data_folder)
    page.set_default_timeout(90_000)
    page.goto(server)
    page.locator("section[data-testid='stSidebar']").get_by_text("2x2 grid").click()
    page.wait_for_function(f'() => document.querySelectorAll("{IFRAME}").length === 4')
    opened = wait_for_state(page, f"s.lastX === {bars - 1} && s.boxes > 0")  # the first cell
    first, dates = page.evaluate(HOVER_DATES)
    page.evaluate(SET_X_RANGE, [bars - 120, bars - 90])
    zoomed = hour_labels_on_their_bars(page, dates, first, "true")  # the zoom is labelled
    page.evaluate(f"() => {{ {PLOT}.__marked = true; }}")

    # A rerun: the second cell's timeframe changed (the grid's script runs again).
    page.locator("[data-testid='stSelectbox']").filter(has_text="Timeframe").nth(1).click()
    page.get_by_role("option", name="4h").click()
    page.wait_for_function(
        f"(n) => {{ const c = ({CELL})(n); return c && c.title.endsWith('4h'); }}", arg=1
    )
    assert page.evaluate(CELL, 0)["range"] == pytest.approx(zoomed["range"])

    append_bar(data_folder, close=140.25)  # a live bar: the first cell draws it, zoom kept
    after = wait_for_state(page, f"s.lastX === {opened['lastX'] + 1}")
    assert after["marked"] is True  # the same plot, not a new one
    assert after["lastClose"] == pytest.approx(140.25)
    assert after["range"] == pytest.approx(zoomed["range"])
    assert page.evaluate(CELL, 1)["range"][1] - page.evaluate(CELL, 1)["range"][0] > 60
    assert page.watch.console_errors == []
