"""The page: controls on the left, the chart, notices and errors on the right."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from app.charts import theme
from app.config import Settings
from app.core import SuperChartError, timeframes_not_finer_than
from app.dash_app.analysis_panel import OVERLAY_OPTIONS
from app.dash_app.chart_data import AUTO, NATIVE, SOURCE_CONFIGURED, SOURCE_UPLOAD
from app.dash_app.feeds import feed_layout
from app.dash_app.feeds import symbol_timeframes as feed_symbols
from app.dash_app.grid import grid_layout
from app.dash_app.indicator_picker import chart_style, picker_layout

GRAPH_CONFIG = {
    "displaylogo": False,
    "scrollZoom": True,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}
# What the file chooser offers: CSV (plain, gzipped, or alone in a zip) and Parquet.
UPLOAD_ACCEPT = (
    ".csv,.txt,.tsv,.csv.gz,.gz,.zip,.parquet,.pq,"
    "text/csv,text/plain,application/gzip,application/zip"
)
NATIVE_LABEL = "As recorded"
AUTO_LABEL = "Auto (whole history)"


def timeframe_options(native: str | None) -> list[dict]:
    """The data's own bars, then every timeframe not finer than them (finer ones cannot be
    made from the data; every timeframe when the data's own is unknown), then "Auto": the only
    choice that may draw coarser bars than picked, and the chart says which it drew."""
    coarser = timeframes_not_finer_than(native)
    return [
        {"label": NATIVE_LABEL, "value": NATIVE},
        *({"label": name, "value": name} for name in coarser),
        {"label": AUTO_LABEL, "value": AUTO},
    ]


def empty_figure() -> dict:
    """A dark, empty chart (before the first draw, or after an error)."""
    axis = {"visible": False}
    return {
        "data": [],
        "layout": {
            "paper_bgcolor": theme.BACKGROUND,
            "plot_bgcolor": theme.BACKGROUND,
            "xaxis": axis,
            "yaxis": axis,
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        },
    }


# (symbol, timeframe, EMAs ticked) -> the chart callback's outputs for them (figure, alert,
# notice, summary, drawn): app.dash_app.chart_callbacks.render_chart.
FirstChart = Callable[[str | None, str, list[int]], Any]


def build_layout(settings: Settings, first_chart: FirstChart | None = None) -> dbc.Container:
    """Called per page load, so the symbol list is fresh and nothing is fetched at import.

    ``first_chart``: the page is served with the default chart already in it (figure, summary,
    drawn store), so the first candles need no callback round trip after the page has loaded;
    the chart callback then waits for a control to change (``prevent_initial_call``)."""
    symbol_alert = None
    try:
        symbol_timeframes = feed_symbols(settings, settings.default_source)
    except SuperChartError as exc:
        symbol_timeframes, symbol_alert = {}, dbc.Alert(str(exc), color="danger")
    symbols = list(symbol_timeframes)
    default_symbol = (
        settings.default_symbol if settings.default_symbol in symbols else next(iter(symbols), None)
    )
    timeframes = timeframe_options(symbol_timeframes.get(default_symbol))
    allowed = {option["value"] for option in timeframes}
    wanted = settings.default_timeframe
    default_timeframe = wanted if wanted in allowed else NATIVE
    emas = list(settings.ema_periods)
    first = first_chart(default_symbol, default_timeframe, emas) if first_chart else None
    configured_label = "Broker API" if settings.data_source == "api" else "Data folder"
    limit_mb = f"{settings.upload_max_mb:g} MB"
    controls = html.Div(
        [
            html.H1("Super Chart", className="h4 mb-3"),
            dbc.Label("Source", html_for="source"),
            dbc.RadioItems(
                id="source",
                options=[
                    {"label": configured_label, "value": SOURCE_CONFIGURED},
                    {"label": "Uploaded file", "value": SOURCE_UPLOAD},
                ],
                value=SOURCE_CONFIGURED,
                className="mb-3",
            ),
            feed_layout(settings),
            dbc.Label("Symbol", html_for="symbol"),
            dbc.Select(
                id="symbol",
                options=[{"label": s, "value": s} for s in symbols],
                value=default_symbol,
                className="mb-3",
            ),
            html.Div(id="upload-name", className="mb-3"),  # the file drawn, when it is one
            dbc.Label("Timeframe", html_for="timeframe"),
            dbc.Select(
                id="timeframe",
                options=timeframes,
                value=default_timeframe,
                className="mb-3",
            ),
            dbc.Label("EMAs"),
            dbc.Checklist(
                id="emas",
                options=[{"label": f"EMA {p}", "value": p} for p in settings.ema_periods],
                value=emas,
                switch=True,
                className="mb-3",
            ),
            picker_layout(),
            dbc.Label("Analysis"),
            dbc.Checklist(
                id="overlays", options=OVERLAY_OPTIONS, value=[], switch=True, className="mb-3"
            ),
            dbc.Label("Upload"),
            dcc.Upload(
                id="upload",
                children=html.Div(
                    [
                        "Drop a CSV (.csv, .csv.gz, .zip) or Parquet file here or click to "
                        f"choose (up to {limit_mb})"
                    ]
                ),
                className="sc-upload mb-2",
                accept=UPLOAD_ACCEPT,
                multiple=False,
            ),
            html.Div(id="upload-progress", className="sc-progress sc-summary", role="status"),
            html.Div(id="upload-status", className="sc-summary"),
        ],
        className="sc-sidebar",
    )
    chart = html.Div(
        [
            html.Div(first.alert if first else symbol_alert, id="alert"),
            html.Div(first.notice if first else None, id="notice"),
            dcc.Loading(
                dcc.Graph(
                    id="chart",
                    figure=first.figure if first else empty_figure(),
                    config=GRAPH_CONFIG,
                    style=chart_style(()),
                ),
                delay_show=300,
                type="dot",
                color=theme.EMA_PALETTE[0],
            ),
            html.Div(
                [
                    html.Div(
                        first.summary if first else None,
                        id="summary",
                        className="sc-summary flex-grow-1",
                    ),
                    dbc.Button(
                        "Download PNG",
                        id="download-png",
                        size="sm",
                        color="secondary",
                        outline=True,
                    ),
                ],
                className="d-flex gap-2 align-items-start mt-2",
            ),
            dcc.Loading(html.Div(id="download-error"), type="dot", delay_show=300),
            dcc.Download(id="download"),
            html.Div(id="analysis"),  # signals and summary of the bars drawn
            grid_layout(symbol_timeframes, default_timeframe, timeframe_options),
        ]
    )
    return dbc.Container(
        [
            dbc.Row(
                [dbc.Col(controls, md=3, className="mb-3"), dbc.Col(chart, md=9)],
                className="py-3",
            ),
            dcc.Store(id="upload-limit", data=settings.upload_max_bytes),
            dcc.Store(id="upload-payload"),  # set by the browser after its size check
            dcc.Store(id="upload-ref"),  # the parsed upload's digest and name (server holds it)
            dcc.Store(id="symbol-timeframes", data=symbol_timeframes),  # each symbol's own bars
            dcc.Interval(
                id="live",
                interval=max(settings.dash_refresh_s, 0.5) * 1000,
                disabled=settings.dash_refresh_s == 0,
            ),
            dcc.Store(id="page"),  # {"key", "relayout"}: a pan or zoom past the bars held
            dcc.Store(id="live-signal"),  # the newest bar seen (live_check)
            # the figure shown: chart_callbacks.drawn_store; None: redraw
            dcc.Store(id="drawn", data=first.drawn if first else None),
        ],
        fluid=True,
    )
