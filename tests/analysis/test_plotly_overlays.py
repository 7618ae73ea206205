"""Levels and spikes land on the Plotly figure's price and volume panes, where the data says."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from app.charts.plotly_charts import build_plotly_figure
from app.charts.plotly_overlays import (
    LEVEL_SHAPE_NAME,
    SPIKES_TRACE,
    add_levels,
    add_volume_spikes,
    figure_price_decimals,
    level_label,
)
from app.core import build_view
from app.core.analysis import analyse
from tests.analysis.samples import range_bound, spiky_volume, with_volume
from tests.charts.drawn_volume import drawn_rectangles, volume_paths


def _figure(frame) -> tuple[go.Figure, object]:
    view = build_view(frame, symbol="t")
    return build_plotly_figure(view, offered_emas=()), view


def test_levels_are_lines_across_the_price_pane_labelled_with_touches() -> None:
    fig, view = _figure(range_bound())
    analysis = analyse(view, lookback=600)
    add_levels(fig, analysis.levels)
    price_axis = next(t for t in fig.data if isinstance(t, go.Candlestick)).yaxis or "y"
    lines = [s for s in fig.layout.shapes if s.name == LEVEL_SHAPE_NAME]
    assert len(lines) == len(analysis.levels) >= 2
    for line, level in zip(lines, analysis.levels, strict=True):
        assert line.y0 == line.y1 == level.price
        assert line.yref == price_axis and (line.x0, line.x1) == (0, 1)
    labels = [a.text for a in fig.layout.annotations if a.name == LEVEL_SHAPE_NAME]
    decimals = figure_price_decimals(fig)
    assert labels == [level_label(level.as_json(), decimals) for level in analysis.levels]
    assert any(text.startswith("S 100") for text in labels)
    assert any(text.startswith("R 1") and "×" in text for text in labels)


def test_fx_level_labels_carry_five_decimals_and_never_overlap() -> None:
    frame = range_bound()
    prices = ["open", "high", "low", "close"]
    frame[prices] = (frame[prices] / 100 * 1.08).round(5)  # EURUSD-like quotes
    fig, _ = _figure(frame)
    assert figure_price_decimals(fig) == 5
    close_pair = [
        {"price": 1.10012, "kind": "resistance", "touches": 3, "strength": 0.4},
        {"price": 1.10031, "kind": "resistance", "touches": 5, "strength": 0.9},
        {"price": 1.06, "kind": "support", "touches": 2, "strength": 0.5},
    ]
    add_levels(fig, close_pair)
    labels = sorted(a.text for a in fig.layout.annotations if a.name == LEVEL_SHAPE_NAME)
    assert labels == ["R 1.10031 ×5 (+1 near)", "S 1.06000 ×2"]
    assert len([s for s in fig.layout.shapes if s.name == LEVEL_SHAPE_NAME]) == 3


def test_levels_as_api_json_work_too() -> None:
    fig, _ = _figure(range_bound())
    add_levels(fig, [{"price": 105.0, "kind": "support", "touches": 3, "strength": 0.5}])
    assert fig.layout.shapes[-1].y0 == 105.0


def test_spikes_are_markers_on_their_volume_bars() -> None:
    volume = spiky_volume(1500)
    fig, view = _figure(with_volume(volume))
    analysis = analyse(view, lookback=1400)
    assert analysis.volume_spikes
    add_volume_spikes(fig, [s.as_json() for s in analysis.volume_spikes])
    rising, falling = volume_paths(fig)
    marks = next(t for t in fig.data if t.name == SPIKES_TRACE)
    assert marks.yaxis == rising.yaxis == falling.yaxis == "y2"
    assert marks.xaxis == (rising.xaxis or "x")
    bar_at = {**drawn_rectangles(rising), **drawn_rectangles(falling)}
    for x, y in zip(marks.x, marks.y, strict=True):
        assert bar_at[float(x)][1] == y  # on top of the very bar


def test_a_figure_without_candles_or_volume_is_refused() -> None:
    with pytest.raises(ValueError, match="candlestick"):
        add_levels(go.Figure(), [])
    with pytest.raises(ValueError, match="volume"):
        add_volume_spikes(go.Figure(), [])
