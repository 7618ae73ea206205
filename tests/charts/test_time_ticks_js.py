"""One rule for the Plotly time axis' labels: the browser's copy (app/charts/js/time_ticks.js,
which the Dash page and the Streamlit component run on every zoom and pan) labels the same bars
with the same words as the server's ``time_ticks``, from the hover dates the figures carry.
One blank Chromium page runs the script on every case."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.charts.browser_js import TIME_TICKS_JS
from app.charts.plotly_time import hover_times, time_ticks
from app.core import parse_timeframe

pytestmark = pytest.mark.browser

FIRST = 1000  # the first bar's x (its index in the whole history)


def bar_times(bars: int, timeframe: str, start: str = "2024-01-01") -> np.ndarray:
    if timeframe == "1M":
        index = pd.date_range(start, periods=bars, freq="MS")
    else:
        index = pd.date_range(
            start, periods=bars, freq=pd.Timedelta(parse_timeframe(timeframe).seconds, "s")
        )
    return index.to_numpy()


def weekdays_only(times: np.ndarray) -> np.ndarray:
    """An FX market's hours: nights kept, weekends gone."""
    return times[pd.DatetimeIndex(times).day_of_week < 5]


CASES = {
    "30 hourly bars": (bar_times(30, "1h", "2024-06-03 05:00"), "1h"),
    "2,000 hourly bars": (bar_times(2000, "1h"), "1h"),
    "hourly FX, weekends missing": (weekdays_only(bar_times(24 * 40, "1h")), "1h"),
    "200 quarter hours": (bar_times(200, "15m", "2024-03-08 21:45"), "15m"),
    "60 four-hour bars": (bar_times(60, "4h"), "4h"),
    "500 days": (bar_times(500, "1d", "2019-12-30"), "1d"),
    "104 weeks": (bar_times(104, "1w", "2021-01-04"), "1w"),
    "150 months": (bar_times(150, "1M", "2012-01-01"), "1M"),
    "3 days": (bar_times(3, "1d"), "1d"),
    "4 hours": (bar_times(4, "1h", "2024-02-29 22:00"), "1h"),
    "2 quarter hours": (bar_times(2, "15m", "2024-03-08 21:45"), "15m"),
}
# The rule for the bars inside [from, to] of the x axis (a zoom), as the browser is asked.
VISIBLE_TICKS = """([dates, first, range]) => {
    const ticks = globalThis.superChartTimeTicks.visibleTicks(dates, first, range);
    return ticks && [ticks.tickvals, ticks.ticktext];
}"""


@pytest.fixture(scope="module")
def rule_page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.add_script_tag(content=TIME_TICKS_JS.read_text())
    yield page
    context.close()


def browser_ticks(page, dates: np.ndarray, range_: list[float]) -> tuple[list, list] | None:
    answer = page.evaluate(VISIBLE_TICKS, [dates.tolist(), FIRST, range_])
    return None if answer is None else (answer[0], answer[1])


@pytest.mark.parametrize("case", CASES)
def test_the_browser_labels_the_whole_window_as_the_server_does(rule_page, case):
    times, timeframe = CASES[case]
    positions = np.arange(FIRST, FIRST + len(times))
    expected = time_ticks(times, positions)
    assert len(expected[0]) >= 1
    dates = hover_times(times, parse_timeframe(timeframe))
    whole = [FIRST - 0.5, FIRST + len(times) - 0.5]  # Plotly's autorange on bars
    assert browser_ticks(rule_page, dates, whole) == (expected[0], expected[1])


@pytest.mark.parametrize(
    ("case", "rows"),
    [("2,000 hourly bars", (985, 1015)), ("2,000 hourly bars", (0, 400)), ("500 days", (20, 90))],
)
def test_a_zoom_is_labelled_as_the_server_labels_those_bars(rule_page, case, rows):
    times, timeframe = CASES[case]
    low, high = rows
    positions = np.arange(FIRST, FIRST + len(times))
    expected = time_ticks(times[low : high + 1], positions[low : high + 1])
    dates = hover_times(times, parse_timeframe(timeframe))
    zoom = [FIRST + high + 0.4, FIRST + low - 0.3]  # either way round, fractions of a bar
    assert browser_ticks(rule_page, dates, zoom) == (expected[0], expected[1])


def test_nothing_in_view_gives_no_ticks(rule_page):
    times, timeframe = CASES["30 hourly bars"]
    dates = hover_times(times, parse_timeframe(timeframe))
    assert browser_ticks(rule_page, dates, [FIRST + 40, FIRST + 50]) is None
