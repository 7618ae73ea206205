"""Draw the chart with the engine the user picked (figure code lives in app/charts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import plotly.io
import streamlit as st

from app.charts.plotly_charts import build_plotly_figure, ema_trace_name
from app.streamlit_app.chart_data import ChartData
from app.streamlit_app.engines import ENGINE_LIGHTWEIGHT
from app.streamlit_app.legend_sync import (
    COMPONENT_KEY,
    rerun_app_after_legend_click,
    take_legend_report,
)
from app.streamlit_app.lightweight_chart import render_lightweight_chart
from app.streamlit_app.overlays import Overlays, add_overlays
from app.streamlit_app.plotly_component import plotly_component

CHART_HEIGHT = 640
PANE_HEIGHT = 150  # each indicator pane under the price adds this much to the Plotly figure
PLOTLY_CONFIG = {
    "displaylogo": False,
    "scrollZoom": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}


def figure_height(data: ChartData) -> int:
    panes = sum(1 for spec in data.view.indicators if spec.pane == "own")
    return CHART_HEIGHT + PANE_HEIGHT * panes


def render_chart(
    data: ChartData,
    *,
    title: str,
    engine: str,
    offered_emas: Sequence[int],
    visible_emas: Sequence[int],
    overlays: Overlays | None = None,
    ui_revision: str | None = None,
) -> None:
    """``ui_revision`` names what is drawn (data, timeframe, page): while it stays, a redraw
    keeps the user's zoom."""
    overlays = overlays or Overlays()
    if engine == ENGINE_LIGHTWEIGHT:
        st.subheader(title)
        render_lightweight_chart(
            data.view,
            data_key=data.key,
            offered_emas=offered_emas,
            visible_emas=visible_emas,
            height=CHART_HEIGHT,
            levels=data.analysis.levels if overlays.levels else (),
            spikes=data.analysis.volume_spikes if overlays.spikes else (),
        )
        return
    rerun_app_after_legend_click()  # before drawing: this run's ticks are the old ones
    # Every offered EMA is in the figure whatever is ticked: a toggle sends the same text (the
    # browser draws nothing again) and ``hidden`` alone, which the plot applies by a restyle.
    figure = _cached_figure(
        data.key,
        title,
        tuple(offered_emas),
        (overlays.levels, overlays.spikes),
        ui_revision,
        _data=data,
    )
    shown = set(visible_emas)
    # One plot kept across reruns (Plotly.react with the figure's uirevision): live bars keep
    # the user's zoom, which st.plotly_chart (remounted for every new figure) cannot.
    plotly_component(
        figure=figure.json,
        config=PLOTLY_CONFIG,
        height=figure_height(data),
        last_position=figure.last_position,
        key=COMPONENT_KEY,
        toggled=[ema_trace_name(p) for p in offered_emas],
        hidden=[ema_trace_name(p) for p in offered_emas if p not in shown],
        on_legend=partial(take_legend_report, tuple(offered_emas)),
    )


@dataclass(frozen=True)
class DrawnFigure:
    json: str  # the figure as Plotly JSON, our dark theme in it (no Streamlit theme applied)
    last_position: int  # the newest bar's x


@st.cache_resource(show_spinner=False, max_entries=32)
def _cached_figure(
    data_key: str,
    title: str,
    offered_emas: tuple[int, ...],
    overlays: tuple[bool, bool],
    ui_revision: str | None,
    _data: ChartData,
) -> DrawnFigure:
    """The figure of one drawn window with its options, built and serialised once: a rerun
    that changes nothing on the chart (a live tick without a new bar, an EMA ticked or not,
    paging buttons drawn again, another session on the same data) sends the same text, which
    the browser does not draw again."""
    figure = build_plotly_figure(
        _data.view,
        offered_emas=offered_emas,
        title=title,
        ui_revision=ui_revision,
        keep_hidden_emas=True,
    )
    figure = add_overlays(figure, _data.analysis, Overlays(*overlays))
    positions = figure._bar_positions
    last = int(positions[-1]) if len(positions) else -1
    return DrawnFigure(json=plotly.io.to_json(figure, validate=False), last_position=last)
