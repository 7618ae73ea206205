"""What is drawn on the Plotly figure besides the engine's own traces: the analysis overlays the
user toggled (levels, volume spikes), and hiding the EMAs they unticked. One function serves the
figure on the page and the PNG download, so the picture is the chart as shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from app.charts.plotly_charts import ema_trace_name
from app.charts.plotly_overlays import add_levels, add_volume_spikes
from app.core.analysis import Analysis


@dataclass(frozen=True)
class Overlays:
    levels: bool = False
    spikes: bool = False


def add_overlays(figure: go.Figure, analysis: Analysis, overlays: Overlays) -> go.Figure:
    if overlays.levels and analysis.levels:
        add_levels(figure, analysis.levels)
    if overlays.spikes and analysis.volume_spikes:
        add_volume_spikes(figure, analysis.volume_spikes)
    return figure


def as_shown(
    offered_emas: Sequence[int],
    visible_emas: Sequence[int],
    analysis: Analysis,
    overlays: Overlays,
) -> Callable[[go.Figure], None]:
    """A ``decorate`` for ``render_chart_image``: its figure carries every offered EMA; keep the
    visible ones and add the overlays, as the page's figure has them."""
    hidden = {ema_trace_name(p) for p in offered_emas if p not in set(visible_emas)}

    def decorate(figure: go.Figure) -> None:
        figure.data = tuple(trace for trace in figure.data if trace.name not in hidden)
        add_overlays(figure, analysis, overlays)

    return decorate
