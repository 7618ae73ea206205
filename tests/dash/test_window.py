"""Paging a figure through a long history: what a pan or zoom past the bars held loads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.charts.plotly_charts import FIRST_EMA_TRACE
from app.config import get_settings
from app.dash_app.chart_callbacks import (
    NOTHING,
    PAGE_ONLY,
    render_chart,
    update_chart,
)
from app.dash_app.chart_data import SOURCE_CONFIGURED
from app.dash_app.uploads import UploadCache
from app.dash_app.window import WINDOW_BARS, visible_range

EMAS = [10, 21, 50, 150]


def draw_long(uploads: UploadCache):
    return render_chart(SOURCE_CONFIGURED, "long", "1h", EMAS, None, uploads=uploads,
                        settings=get_settings())  # fmt: skip


def pan(uploads: UploadCache, drawn, relayout, *, timeframe="1h", emas=EMAS, trigger=PAGE_ONLY):
    """The chart callback after the browser's filter set the page store for ``relayout``."""
    page = {"key": (drawn or {}).get("key"), "relayout": relayout}
    return update_chart(SOURCE_CONFIGURED, "long", timeframe, emas, None, drawn, trigger=trigger,
                        page=page, uploads=uploads, settings=get_settings())  # fmt: skip


def positions(figure) -> np.ndarray:
    """The candles' x: each bar's index in the timeframe's history (bars side by side)."""
    return np.asarray(figure.data[0].x)


def times(figure) -> np.ndarray:
    """The candles' times, from the dates their hover shows."""
    return pd.to_datetime(figure.data[0].customdata).to_numpy().astype("datetime64[s]")


def test_a_pan_past_the_oldest_bar_held_loads_the_older_bars_at_the_same_timeframe(data_dir):
    uploads = UploadCache()
    newest = draw_long(uploads)
    held = positions(newest.figure)
    hour = np.timedelta64(3600, "s")
    # The user drags right: the view starts 100 bars before the oldest bar held.
    view = [float(held[0] - 100.5), float(held[0] + 200.2)]

    older = pan(uploads, newest.drawn, {"xaxis.range[0]": view[0], "xaxis.range[1]": view[1]})

    shown = positions(older.figure)
    assert len(shown) == WINDOW_BARS
    assert set(np.diff(times(older.figure)).astype(int)) == {3600}  # still hourly candles
    assert shown[0] < held[0] - 100  # the bars in view are drawn
    assert shown[-1] > held[0] + 200  # and a margin past the view's right edge
    at = times(older.figure)[list(shown).index(held[0])]
    assert at == times(newest.figure)[0]  # one bar keeps its x in every window
    assert hour  # (hourly data)
    assert older.figure.layout.uirevision == newest.figure.layout.uirevision  # zoom kept
    lines = older.figure.data[FIRST_EMA_TRACE:]
    assert [t.name for t in lines] == ["EMA 10", "EMA 21", "EMA 50", "EMA 150"]
    ema = np.asarray(lines[0].y, dtype=float)
    assert not np.isnan(ema).any()  # computed over the whole history, warm in every window
    assert "showing 1,702-3,701" in older.summary  # bar 3,201 in view + 500
    assert older.summary.endswith(newest.summary.split(" · last ")[1])  # last: the newest bar
    assert older.drawn["held"]["more_after"]

    # Panning back to the newest bars loads them again.
    back = pan(uploads, older.drawn, {"xaxis.range": [float(held[-300]), float(held[-1])]})
    assert positions(back.figure)[-1] == held[-1]


def test_a_pan_or_zoom_inside_the_bars_held_loads_nothing(data_dir):
    uploads = UploadCache()
    newest = draw_long(uploads)
    held = positions(newest.figure)

    inside = {"xaxis.range[0]": float(held[10]), "xaxis.range[1]": float(held[-10])}
    assert pan(uploads, newest.drawn, inside) == NOTHING
    assert pan(uploads, newest.drawn, {"xaxis.autorange": True}) == NOTHING
    assert pan(uploads, newest.drawn, {"autosize": True}) == NOTHING
    # Past the newest bar there is nothing newer to load.
    later = {"xaxis.range": [float(held[-50]), float(held[-1] + 500)]}
    assert pan(uploads, newest.drawn, later) == NOTHING


def test_a_pan_on_a_figure_of_other_controls_draws_their_chart(data_dir):
    uploads = UploadCache()
    newest = draw_long(uploads)
    held = positions(newest.figure)
    older = {"xaxis.range": [float(held[0] - 50), float(held[100])]}

    # The timeframe select already says 4h; the page still shows the 1h figure, whose 4h
    # redraw this request made Dash drop: it draws the 4h chart.
    redrawn = pan(uploads, newest.drawn, older, timeframe="4h")
    assert len(redrawn.figure.data[0].x) == 1250 and "long · 4h" in redrawn.figure.layout.title.text


@pytest.mark.parametrize(
    "relayout",
    [
        None,
        [],
        "xaxis.range",
        {"xaxis.range": "2024"},
        {"xaxis.range": ["2024-01-01", "2024-01-03"]},  # a date axis' range: not ours
        {"xaxis.range": ["not a number", 2]},
        {"xaxis.range[0]": 1, "xaxis.range[1]": {"a": 1}},
        {"xaxis.range[0]": float("nan"), "xaxis.range[1]": 3},
        {"xaxis.range[0]": True, "xaxis.range[1]": 3},
    ],
)
def test_malformed_relayout_data_loads_nothing(data_dir, relayout):
    uploads = UploadCache()
    newest = draw_long(uploads)

    assert pan(uploads, newest.drawn, relayout) == NOTHING


def test_visible_range_reads_both_relayout_shapes():
    assert visible_range({"xaxis.range[0]": 40.5, "xaxis.range[1]": 3}) == (3.0, 40.5)
    assert visible_range({"xaxis.range": [-2, 7.25]}) == (-2.0, 7.25)
