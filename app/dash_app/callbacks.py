"""Callbacks: plain functions (tested directly) and ``register_callbacks`` wiring them to the page.

Every error reaches the user as an alert: our errors with their own message, anything else as a
generic one (logged with its traceback), never as a broken callback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html, no_update

from app.charts.plotly_charts import build_plotly_figure
from app.config import Settings
from app.core import SuperChartError
from app.dash_app.chart_data import SOURCE_UPLOAD, load_chart_data
from app.dash_app.layout import NATIVE, empty_figure
from app.dash_app.uploads import UploadCache, UploadRef, decode_contents, too_large

logger = logging.getLogger(__name__)

GENERIC_ERROR = "Something went wrong drawing this chart. The details are in the server log."

# Runs in the browser: a file over the limit is not sent to the server at all, only its size.
CHECK_UPLOAD_SIZE_JS = """
function (contents, filename, limit) {
    if (!contents) { return window.dash_clientside.no_update; }
    const encoded = contents.length - contents.indexOf(",") - 1;
    const padding = contents.endsWith("==") ? 2 : (contents.endsWith("=") ? 1 : 0);
    const size = Math.floor(encoded * 3 / 4) - padding;
    if (size > limit) { return {filename: filename, size: size}; }
    return {filename: filename, size: size, contents: contents};
}
"""


def error_alert(exc: Exception) -> dbc.Alert:
    if isinstance(exc, SuperChartError):
        message = str(exc)
    else:
        logger.exception("unexpected error in a Dash callback")
        message = GENERIC_ERROR
    return dbc.Alert(message, color="danger", className="sc-error mb-2")


def receive_upload(
    payload: dict | None, *, uploads: UploadCache, settings: Settings
) -> tuple[Any, Any, Any, Any]:
    """Parse an upload once -> (upload-ref data, upload-status, source value, timeframe value).
    On success the chart switches to the file at its own timeframe."""
    if not payload:
        return no_update, no_update, no_update, no_update
    filename = str(payload.get("filename") or "upload")
    try:
        if "contents" not in payload:
            raise too_large(filename, int(payload.get("size", 0)), settings.upload_max_bytes)
        data = decode_contents(payload["contents"])
        ref, _ = uploads.add(data, filename, max_bytes=settings.upload_max_bytes)
    except Exception as exc:  # every failure becomes an alert
        return no_update, error_alert(exc), no_update, no_update
    status = html.Span(f"{ref.filename}: {ref.bars:,} bars at {ref.timeframe}")
    return ref.to_store(), status, SOURCE_UPLOAD, NATIVE


def render_chart(
    source: str,
    symbol: str | None,
    timeframe: str | None,
    visible_emas: Sequence[int] | None,
    upload_ref: dict | None,
    *,
    uploads: UploadCache,
    settings: Settings,
) -> tuple[Any, Any, Any, Any]:
    """-> (figure, alert, notice, summary). The view carries every offered EMA; the checklist
    only picks which lines are drawn, so a toggle is cheap (the core caches the history)."""
    offered = tuple(settings.ema_periods)
    try:
        data = load_chart_data(
            source=source,
            symbol=symbol,
            timeframe=timeframe,
            emas=offered,
            upload=UploadRef.from_store(upload_ref) if upload_ref else None,
            uploads=uploads,
            settings=settings,
        )
        figure = build_plotly_figure(
            data.view,
            offered_emas=offered,
            visible_emas=[int(p) for p in visible_emas or ()],
            title=data.title,
            ui_revision=f"{source}|{symbol}|{timeframe}|{(upload_ref or {}).get('digest')}",
        )
    except Exception as exc:  # every failure becomes an alert
        return empty_figure(), error_alert(exc), None, None
    notice = (
        dbc.Alert(data.notice, color="info", className="sc-notice mb-2") if data.notice else None
    )
    return figure, None, notice, data.summary


def register_callbacks(app: Dash, uploads: UploadCache, settings: Callable[[], Settings]) -> None:
    app.clientside_callback(
        CHECK_UPLOAD_SIZE_JS,
        Output("upload-payload", "data"),
        Input("upload", "contents"),
        State("upload", "filename"),
        State("upload-limit", "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output("upload-ref", "data"),
        Output("upload-status", "children"),
        Output("source", "value"),
        Output("timeframe", "value"),
        Input("upload-payload", "data"),
        prevent_initial_call=True,
    )
    def on_upload(payload: dict | None):
        return receive_upload(payload, uploads=uploads, settings=settings())

    @app.callback(
        Output("chart", "figure"),
        Output("alert", "children"),
        Output("notice", "children"),
        Output("summary", "children"),
        Input("source", "value"),
        Input("symbol", "value"),
        Input("timeframe", "value"),
        Input("emas", "value"),
        Input("upload-ref", "data"),
    )
    def on_controls(source, symbol, timeframe, visible_emas, upload_ref):
        return render_chart(
            source,
            symbol,
            timeframe,
            visible_emas,
            upload_ref,
            uploads=uploads,
            settings=settings(),
        )
