"""Live updates: a dcc.Interval tick sends only the bars that changed, as a Patch."""

from __future__ import annotations

import os
import time

import pytest
from dash import no_update

from app.charts.plotly_charts import FIRST_EMA_TRACE, VOLUME_TRACE
from app.config import get_settings
from app.core.synthetic import synthetic_ohlcv
from app.dash_app.chart_callbacks import LIVE_ONLY, NOTHING, render_chart, update_chart
from app.dash_app.chart_data import SOURCE_CONFIGURED
from app.dash_app.live import bar_arrays
from app.dash_app.uploads import UploadCache
from app.dash_app.window import WINDOW_BARS, Window

SERIES = synthetic_ohlcv(5010, timeframe="1h", seed=11)
EMAS = [10, 21, 50, 150]


def write_bars(data_dir, rows: int, *, last_close: float | None = None) -> None:
    frame = SERIES.iloc[:rows].copy()
    if last_close is not None:
        frame.loc[frame.index[-1], "close"] = last_close
        frame.loc[frame.index[-1], "high"] = max(frame["high"].iloc[-1], last_close)
    path = data_dir / "long.csv"
    path.write_text(frame.to_csv(index=False))
    stamp = time.time() + rows  # a new mtime for every version
    os.utime(path, (stamp, stamp))


def tick(uploads, drawn, emas=EMAS):
    return update_chart(SOURCE_CONFIGURED, "long", "1h", emas, None, drawn, trigger=LIVE_ONLY,
                        uploads=uploads, settings=get_settings())  # fmt: skip


def apply(state: list[dict], patch) -> list[dict]:
    """What Dash's renderer does with our Patch operations on the figure's per-bar arrays."""
    for op in patch.to_plotly_json()["operations"]:
        location, value = op["location"], op["params"].get("value")
        if location[:2] == ["layout", "xaxis"]:
            assert location[2] in ("tickvals", "ticktext")  # the date labels of the bars
            continue
        assert location[0] == "data"
        trace, path = state[location[1]], tuple(location[2:])
        if path == ("visible",):  # an EMA line shown or hidden as the checklist is now
            continue
        if op["operation"] == "Assign" and isinstance(path[-1], int):
            trace[path[:-1]][path[-1]] = value
        elif op["operation"] == "Assign":
            trace[path] = list(value)
        elif op["operation"] == "Extend":
            trace[path].extend(value)
        else:
            raise AssertionError(f"unexpected operation {op}")
    return state


def drawn_now(uploads, drawn) -> list[dict]:
    """The arrays a fresh draw of the same bars would have."""
    window = Window.from_store(drawn["window"])
    outputs = render_chart(SOURCE_CONFIGURED, "long", "1h", EMAS, None, uploads=uploads,
                           settings=get_settings(), window=window)  # fmt: skip
    return bar_arrays(outputs.figure, len(outputs.figure.data))


def test_new_and_changed_bars_reach_the_figure_as_a_patch_of_those_bars(data_dir):
    uploads = UploadCache()
    write_bars(data_dir, 5000)
    full = render_chart(SOURCE_CONFIGURED, "long", "1h", EMAS, None, uploads=uploads,
                        settings=get_settings())  # fmt: skip
    state = bar_arrays(full.figure, len(full.figure.data))

    assert tick(uploads, full.drawn) == NOTHING._replace(summary=tick(uploads, full.drawn).summary)
    assert "live: updated" in tick(uploads, full.drawn).summary

    # Two bars appended: the first change sends the arrays once as lists.
    write_bars(data_dir, 5002)
    first = tick(uploads, full.drawn)
    assert first.figure is not no_update and first.drawn["held"]["count"] == WINDOW_BARS + 2
    state = apply(state, first.figure)
    assert state == drawn_now(uploads, first.drawn)
    assert len(state[0][("x",)]) == WINDOW_BARS + 2
    assert "live: updated" in first.summary

    # The forming bar changes and one more arrives: only those two bars are sent.
    write_bars(data_dir, 5003, last_close=float(SERIES["close"].iloc[5002]) + 5)
    second = tick(uploads, first.drawn)
    ops = second.figure.to_plotly_json()["operations"]
    assert {op["operation"] for op in ops} == {"Assign", "Extend"}
    # one entry a bar; two in the volume's paths (its corners, app.charts.plotly_volume)
    per_bar = {i: 2 if t.name == VOLUME_TRACE else 1 for i, t in enumerate(full.figure.data)}
    extended = {o["location"][1]: o["params"]["value"] for o in ops if o["operation"] == "Extend"}
    assert extended and all(len(values) == per_bar[i] for i, values in extended.items())
    assigned = [op for op in ops if op["operation"] == "Assign" and op["location"][0] == "data"]
    bars = [op for op in assigned if op["location"][2:] != ["visible"]]  # EMA lines: as ticked
    forming = WINDOW_BARS + 1  # the bar that changed: its entries, not one more
    assert bars and all(
        per_bar[i] * forming <= op["location"][-1] < per_bar[i] * (forming + 1)
        for op in bars
        for i in [op["location"][1]]
    )
    assert {tuple(op["location"][1:]) for op in bars} >= {
        (1, "y", 2 * forming),  # the rising bars' path: the forming bar's height...
        (1, "y", 2 * forming + 1),  # ...and its foot
    }
    state = apply(state, second.figure)
    assert state == drawn_now(uploads, second.drawn)


def test_rewritten_data_is_drawn_anew(data_dir):
    uploads = UploadCache()
    write_bars(data_dir, 5000)
    full = render_chart(SOURCE_CONFIGURED, "long", "1h", EMAS, None, uploads=uploads,
                        settings=get_settings())  # fmt: skip
    write_bars(data_dir, 4000)  # the file now ends earlier: not a continuation

    redrawn = tick(uploads, full.drawn)

    assert hasattr(redrawn.figure, "data") and len(redrawn.figure.data[0].x) == WINDOW_BARS
    assert redrawn.summary.startswith("4,000 bars at 1h")


@pytest.mark.parametrize("emas", [[10], []])
def test_a_live_patch_shows_the_ema_lines_as_the_checklist_is_now(data_dir, emas):
    """The browser hides and shows EMA lines in place; Dash's figure keeps the state it was
    drawn with, so a Patch on it says which lines are shown, or they would come back."""
    uploads = UploadCache()
    write_bars(data_dir, 5000)
    full = render_chart(SOURCE_CONFIGURED, "long", "1h", EMAS, None, uploads=uploads,
                        settings=get_settings())  # fmt: skip
    write_bars(data_dir, 5001)

    ticked = tick(uploads, full.drawn, emas=emas)

    shown = {
        op["location"][1]: op["params"]["value"]
        for op in ticked.figure.to_plotly_json()["operations"]
        if op["location"][2:] == ["visible"]
    }
    assert shown == {FIRST_EMA_TRACE + i: period in emas for i, period in enumerate(EMAS)}
    assert ticked.drawn["emas"] == EMAS
