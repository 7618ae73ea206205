"""Issue #13 in the dashboard: the Levels and Volume spikes toggles draw the core's analysis of
the bars shown, and the panel under the chart shows its signals and summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.charts.plotly_overlays import SPIKES_TRACE, level_label
from app.core.analysis import analyse
from tests.streamlit.app_views import (
    candle_times,
    candles,
    figure,
    lightweight_chart,
    run_app,
    typed_list,
)
from tests.streamlit.ohlcv_samples import ohlcv_frame

SPIKE_BARS = (120, 250)


@pytest.fixture
def spiky(data_dir):
    """The default symbol with two huge volume bars, so there are spikes to mark."""
    frame = ohlcv_frame(300)
    volume = frame["volume"].to_numpy().copy()
    volume[list(SPIKE_BARS)] = 500_000.0
    frame["volume"] = volume
    frame["time"] = frame["time"].dt.strftime("%Y-%m-%d %H:%M:%S")
    (data_dir / "sample_ohlcv.csv").write_bytes(frame.to_csv(index=False).encode())
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame


def expected(frame: pd.DataFrame):
    """The core's one rule (the last 500 bars, here all 300), at the data's 4 decimals."""
    return analyse(frame, symbol="sample_ohlcv", timeframe="1h")


def label_of(level, decimals: int | None = 4) -> str:
    return level_label(
        {"price": level.price, "kind": level.kind, "touches": level.touches}, decimals
    )


def labelled_levels(labels: list[str], levels) -> int:
    """How many levels the labels stand for ("+N near" counts the merged ones); each label
    must be one level's, at the symbol's 4 decimals."""
    own = {label_of(level) for level in levels}
    count = 0
    for text in labels:
        head, _, merged = text.partition(" (+")
        assert head in own, text
        count += 1 + (int(merged.split()[0]) if merged else 0)
    return count


def level_shapes(fig: dict) -> list[dict]:
    return [s for s in fig["layout"].get("shapes", []) if s.get("name") == "level"]


def test_levels_are_drawn_only_when_toggled_with_their_touch_counts(spiky):
    want = expected(spiky).levels
    assert want, "the sample must have levels for this test to mean anything"
    at = run_app()
    assert not level_shapes(figure(at))
    at.toggle(key="levels").set_value(True).run()
    fig = figure(at)
    prices = sorted(s["y0"] for s in level_shapes(fig))
    assert prices == pytest.approx(sorted(level.price for level in want))
    labels = [a["text"] for a in fig["layout"]["annotations"] if a.get("name") == "level"]
    assert labelled_levels(labels, want) == len(want)


def test_volume_spikes_are_marked_on_their_bars_when_toggled(spiky):
    at = run_app()
    assert SPIKES_TRACE not in [t.get("name") for t in figure(at)["data"]]
    at.toggle(key="spikes").set_value(True).run()
    fig = figure(at)
    [trace] = [t for t in fig["data"] if t.get("name") == SPIKES_TRACE]
    bar_at = dict(zip(candles(fig)["x"], candle_times(fig), strict=True))  # x -> its bar's time
    marked = pd.Series([bar_at[x] for x in typed_list(trace["x"])]).dt.tz_localize("UTC")
    assert list(marked) == [spiky["time"].iloc[i] for i in SPIKE_BARS]


def test_the_panel_shows_the_signals_and_summary_of_the_bars_drawn(spiky):
    want = expected(spiky)
    at = run_app()
    [panel] = [e for e in at.expander if e.label.startswith("Analysis")]
    assert want.summary in [m.value for m in panel.markdown]
    persian = f'<div dir="rtl" lang="fa" class="sc-summary-fa">{want.summary_in("fa")}</div>'
    assert persian in [m.value for m in panel.markdown]  # #22: Persian, right-to-left
    [table] = panel.dataframe
    assert list(table.value["Signal"]) == [s.label for s in want.signals]
    assert "below_signal" not in list(table.value["State"])  # words, not program states
    assert list(table.value["State"]) == [s.state_label for s in want.signals]
    assert "Analysis of the last 300 1h bars" in " ".join(c.value for c in panel.caption)
    assert list(table.value["Detail"]) == [s.detail for s in want.signals]


def test_lightweight_gets_the_levels_and_spikes_to_draw_only_when_toggled(spiky):
    want = expected(spiky)
    at = run_app()
    at.radio(key="engine").set_value("lightweight").run()
    state = lightweight_chart(at)["state"]
    assert not state["levels"] and not state["spikes"]
    at.toggle(key="levels").set_value(True).run()
    at.toggle(key="spikes").set_value(True).run()
    state = lightweight_chart(at)["state"]
    assert state["levels"] and state["spikes"]
    drawn = state["analysis"]
    assert [(lv["kind"], lv["price"], lv["touches"]) for lv in drawn["levels"]] == [
        (lv.kind, lv.price, lv.touches) for lv in want.levels
    ]
    times = [spike["time"] for spike in drawn["volume_spikes"]]
    assert times == [int(spiky["time"].iloc[i].timestamp()) for i in SPIKE_BARS]
    assert np.all(np.diff(times) > 0)
