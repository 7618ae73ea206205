"""Callbacks: plain functions (tested directly) and ``register_callbacks`` wiring them to the page.

The chart's own functions are in :mod:`app.dash_app.chart_callbacks`. Every error reaches the
user as an alert (:mod:`app.dash_app.alerts`), never as a broken callback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import Dash, Input, Output, State, ctx, html, no_update

from app.config import Settings
from app.dash_app.alerts import error_alert
from app.dash_app.chart_callbacks import EMAS_ONLY, PAGE_ONLY, update_chart
from app.dash_app.chart_data import NATIVE, SOURCE_UPLOAD
from app.dash_app.layout import timeframe_options
from app.dash_app.paging_js import PAGE_REQUEST_JS
from app.dash_app.uploads import UploadCache, decode_contents, too_large

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


def receive_upload(
    payload: dict | None, *, uploads: UploadCache, settings: Settings
) -> tuple[Any, Any, Any]:
    """Parse an upload once -> (upload-ref data, upload-status, source value). On success the
    chart switches to the file (at its own timeframe: see :func:`sync_controls`)."""
    if not payload:
        return no_update, no_update, no_update
    filename = str(payload.get("filename") or "upload")
    try:
        if "contents" not in payload:
            raise too_large(filename, int(payload.get("size", 0)), settings.upload_max_bytes)
        data = decode_contents(payload["contents"])
        ref, _ = uploads.add(data, filename, max_bytes=settings.upload_max_bytes)
    except Exception as exc:  # every failure becomes an alert
        return no_update, error_alert(exc), no_update
    status = html.Span(f"{ref.filename}: {ref.bars:,} bars at {ref.timeframe}")
    return ref.to_store(), status, SOURCE_UPLOAD


def sync_controls(
    source: str,
    symbol: str | None,
    upload_ref: dict | None,
    timeframe: str | None,
    symbol_timeframes: dict[str, str] | None,
    *,
    new_upload: bool,
) -> tuple[list[dict], Any, bool]:
    """-> (timeframe options, timeframe value, symbol disabled), for the data now chosen.

    Only timeframes not finer than the data's own are offered. A new upload opens at its own
    timeframe; otherwise the choice stays while the data allows it. The symbol select is
    disabled while the chart shows an upload (it would change nothing)."""
    uploaded = source == SOURCE_UPLOAD
    if uploaded:
        native = upload_ref.get("timeframe") if upload_ref else None
    else:
        native = (symbol_timeframes or {}).get(symbol or "")
    options = timeframe_options(native)
    allowed = {option["value"] for option in options}
    value = NATIVE if new_upload or timeframe not in allowed else no_update
    if value == timeframe:
        value = no_update  # unchanged: the chart needs no second redraw
    return options, value, uploaded


# The chart callback's shortcuts, by what alone set it off; anything else redraws the chart.
TRIGGERS = {
    frozenset({"emas.value"}): EMAS_ONLY,
    frozenset({"page.data"}): PAGE_ONLY,
}


def register_callbacks(app: Dash, uploads: UploadCache, settings: Callable[[], Settings]) -> None:
    app.clientside_callback(
        PAGE_REQUEST_JS,
        Output("page", "data"),
        Input("chart", "relayoutData"),
        State("drawn", "data"),
        prevent_initial_call=True,
    )
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
        Input("upload-payload", "data"),
        prevent_initial_call=True,
    )
    def on_upload(payload: dict | None):
        return receive_upload(payload, uploads=uploads, settings=settings())

    # The layout starts with the default symbol's options; this follows later changes. The chart
    # callback waits for it when both fire (its timeframe input is this callback's output).
    @app.callback(
        Output("timeframe", "options"),
        Output("timeframe", "value"),
        Output("symbol", "disabled"),
        Input("source", "value"),
        Input("symbol", "value"),
        Input("upload-ref", "data"),
        State("timeframe", "value"),
        State("symbol-timeframes", "data"),
        prevent_initial_call=True,
    )
    def on_data_change(source, symbol, upload_ref, timeframe, symbol_timeframes):
        new_upload = "upload-ref.data" in ctx.triggered_prop_ids
        return sync_controls(source, symbol, upload_ref, timeframe, symbol_timeframes,
                             new_upload=new_upload)  # fmt: skip

    @app.callback(
        Output("chart", "figure"),
        Output("alert", "children"),
        Output("notice", "children"),
        Output("summary", "children"),
        Output("drawn", "data"),
        Input("source", "value"),
        Input("symbol", "value"),
        Input("timeframe", "value"),
        Input("emas", "value"),
        Input("upload-ref", "data"),
        Input("page", "data"),
        State("drawn", "data"),
    )
    def on_controls(source, symbol, timeframe, visible_emas, upload_ref, page, drawn):
        trigger = TRIGGERS.get(frozenset(ctx.triggered_prop_ids))
        return update_chart(source, symbol, timeframe, visible_emas, upload_ref, drawn,
                            trigger=trigger, page=page, uploads=uploads,
                            settings=settings())  # fmt: skip
