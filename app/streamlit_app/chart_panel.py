"""Draw the chart with the engine the user picked (figure code lives in app/charts)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import streamlit as st

from app.charts.plotly_charts import build_plotly_figure
from app.streamlit_app.chart_data import ChartData
from app.streamlit_app.engines import ENGINE_LIGHTWEIGHT
from app.streamlit_app.lightweight_chart import render_lightweight_chart
from app.streamlit_app.overlays import Overlays, add_overlays

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
    figure = _cached_figure(
        data.key,
        title,
        tuple(offered_emas),
        tuple(visible_emas),
        (overlays.levels, overlays.spikes),
        ui_revision,
        _data=data,
    )
    # theme=None: the figure carries our dark theme; Streamlit's own would override its colours.
    st.plotly_chart(
        figure, theme=None, config=PLOTLY_CONFIG, height=figure_height(data), key="plotly_chart"
    )


@st.cache_resource(show_spinner=False, max_entries=32)
def _cached_figure(
    data_key: str,
    title: str,
    offered_emas: tuple[int, ...],
    visible_emas: tuple[int, ...],
    overlays: tuple[bool, bool],
    ui_revision: str | None,
    _data: ChartData,
) -> go.Figure:
    """The figure of one drawn window with its options, built once: a rerun that changes
    nothing on the chart (a live tick without a new bar, paging buttons drawn again, another
    session on the same data) sends it again without building it. A resource (the same object
    for every caller): nothing mutates it after this (``st.plotly_chart`` serialises a copy)."""
    figure = build_plotly_figure(
        _data.view,
        offered_emas=offered_emas,
        visible_emas=visible_emas,
        title=title,
        ui_revision=ui_revision,
    )
    return add_overlays(figure, _data.analysis, Overlays(*overlays))
