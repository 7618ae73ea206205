"""Market analysis in the Dash app: the "Levels" and "Volume spikes" overlays on the chart, and
a panel with the signals and the rule-written summary, all from the core's one analysis rule
(``analyse_up_to``: the last ``DEFAULT_LOOKBACK`` bars up to the window drawn, as the page, the
API and Streamlit analyse them).
"""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import html

from app.charts.plotly_overlays import add_levels, add_volume_spikes
from app.core.analysis import Analysis, analysis_scope
from app.dash_app.chart_data import ChartData

LEVELS = "levels"
SPIKES = "spikes"
OVERLAY_OPTIONS = [
    {"label": "Levels", "value": LEVELS},
    {"label": "Volume spikes", "value": SPIKES},
]
STATE_COLORS = {"bullish": "success", "bearish": "danger", "overbought": "danger",
                "oversold": "success"}  # fmt: skip


def add_overlays(figure: go.Figure, data: ChartData, overlays: Sequence[str]) -> go.Figure:
    """Support/resistance lines and spike markers on ``figure``, as ``overlays`` asks. The spike
    markers come last among the traces, so the EMA lines keep their places (Dash patches)."""
    if not overlays or data.view.frame.empty:
        return figure
    found = data.analysis()
    if LEVELS in overlays:
        add_levels(figure, found.levels, found.decimals)
    if SPIKES in overlays and found.volume_spikes:
        add_volume_spikes(figure, found.volume_spikes)
    return figure


def panel(data: ChartData) -> dbc.Card:
    """The signals (name, state, detail) and the summary of the bars drawn."""
    return panel_of(data.analysis())


def panel_of(found: Analysis) -> dbc.Card:
    rows = [
        html.Tr(
            [
                html.Td(signal.label, className="text-nowrap"),
                html.Td(
                    dbc.Badge(
                        signal.state_label,
                        color=STATE_COLORS.get(signal.state, "secondary"),
                        className="sc-signal-state",
                    )
                ),
                html.Td(signal.detail, className="sc-summary"),
            ],
            className="sc-signal",
        )
        for signal in found.signals
    ]
    levels = ", ".join(
        f"{lv.kind} {found.price(lv.price)} (×{lv.touches})" for lv in found.levels[:4]
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Analysis", className="h6"),
                html.P(found.summary, className="sc-analysis-summary mb-2"),
                html.P(  # the same facts in Persian, right-to-left
                    found.summary_in("fa"),
                    dir="rtl",
                    lang="fa",
                    className="sc-analysis-summary-fa mb-2",
                ),
                dbc.Table(html.Tbody(rows), size="sm", className="mb-1", borderless=True),
                html.Div(
                    f"Strongest levels: {levels}" if levels else "No levels found.",
                    className="sc-summary",
                ),
                html.Div(analysis_scope(found), className="sc-summary sc-analysis-scope"),
            ]
        ),
        className="sc-analysis mt-2",
    )
