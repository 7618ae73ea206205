"""Callbacks: plain functions (tested directly) and ``register_callbacks`` wiring them to the page.

Every error reaches the user as an alert: our errors with their own message, anything else as a
generic one (logged with its traceback), never as a broken callback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, Patch, State, ctx, html, no_update

from app.charts.plotly_charts import (
    FIRST_EMA_TRACE,
    build_plotly_figure,
    drawable_emas,
    ema_trace,
)
from app.config import Settings
from app.core import SuperChartError
from app.dash_app.chart_data import NATIVE, SOURCE_UPLOAD, ChartData, load_chart_data
from app.dash_app.layout import empty_figure, timeframe_options
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


class ChartOutputs(NamedTuple):
    figure: Any  # a figure, or a Patch of its EMA lines
    alert: Any
    notice: Any
    summary: Any
    drawn: dict | None  # the drawn-emas store: see drawn_store; None after an error


def chart_key(
    source: str, symbol: str | None, timeframe: str | None, upload_ref: dict | None
) -> str:
    """Which data a figure shows, from the controls: the figure's uirevision, and the key that
    ties the drawn-emas store to the figure it describes."""
    return f"{source}|{symbol}|{timeframe}|{(upload_ref or {}).get('digest')}"


def drawn_store(key: str, emas: list[int]) -> dict:
    """The drawn-emas store: the figure's :func:`chart_key` and its EMA periods in trace order."""
    return {"key": key, "emas": emas}


def render_chart(
    source: str,
    symbol: str | None,
    timeframe: str | None,
    visible_emas: Sequence[int] | None,
    upload_ref: dict | None,
    *,
    uploads: UploadCache,
    settings: Settings,
) -> ChartOutputs:
    """The whole chart. The view carries every offered EMA; the checklist only picks which
    lines are drawn, so a toggle is cheap (the core caches the history)."""
    offered = tuple(settings.ema_periods)
    try:
        data = _chart_data(source, symbol, timeframe, upload_ref, uploads, settings)
        visible = [int(p) for p in visible_emas or ()]
        figure = build_plotly_figure(
            data.view,
            offered_emas=offered,
            visible_emas=visible,
            title=data.title,
            ui_revision=chart_key(source, symbol, timeframe, upload_ref),
        )
    except Exception as exc:  # every failure becomes an alert
        return ChartOutputs(empty_figure(), error_alert(exc), None, None, None)
    drawn = drawable_emas(data.view, [p for p in offered if p in visible])
    key = chart_key(source, symbol, timeframe, upload_ref)
    return ChartOutputs(figure, None, notices(data), data.summary, drawn_store(key, drawn))


def update_chart(
    source: str,
    symbol: str | None,
    timeframe: str | None,
    visible_emas: Sequence[int] | None,
    upload_ref: dict | None,
    drawn: dict | None,
    *,
    only_emas: bool,
    uploads: UploadCache,
    settings: Settings,
) -> ChartOutputs:
    """A Patch of the EMA lines when only the checklist changed and the figure on the page was
    drawn for the current controls; else the whole chart.

    The key check matters: Dash drops a running redraw when a newer request for the same outputs
    starts, so after a timeframe (or symbol) change quickly followed by an EMA tick, the figure
    on the page is still the old one, and patching it would draw the new timeframe's line over
    the old candles. The store is only written with the figure, so its key says which one it is.
    """
    args = (source, symbol, timeframe, visible_emas, upload_ref)
    if only_emas and drawn and drawn.get("key") == chart_key(source, symbol, timeframe, upload_ref):
        return toggle_ema_lines(*args, drawn["emas"], uploads=uploads, settings=settings)
    return render_chart(*args, uploads=uploads, settings=settings)


def toggle_ema_lines(
    source: str,
    symbol: str | None,
    timeframe: str | None,
    visible_emas: Sequence[int] | None,
    upload_ref: dict | None,
    drawn_emas: Sequence[int],
    *,
    uploads: UploadCache,
    settings: Settings,
) -> ChartOutputs:
    """Only the EMA lines that changed, as a Patch of the figure's traces: the layout (and so
    the user's zoom) is left alone, and removing a line sends no data at all."""
    offered = tuple(settings.ema_periods)
    wanted = {int(p) for p in visible_emas or ()}
    drawn = [int(p) for p in drawn_emas]
    patch = Patch()
    for index in reversed(range(len(drawn))):
        if drawn[index] not in wanted:
            del patch["data"][FIRST_EMA_TRACE + index]
    kept = [p for p in drawn if p in wanted]
    missing = [p for p in offered if p in wanted and p not in kept]
    if missing:
        try:
            data = _chart_data(source, symbol, timeframe, upload_ref, uploads, settings)
        except Exception:  # the full redraw shows the alert
            return render_chart(source, symbol, timeframe, visible_emas, upload_ref,
                                uploads=uploads, settings=settings)  # fmt: skip
        added = set(drawable_emas(data.view, missing))
        kept = [p for p in offered if p in added or p in kept]
        for index, period in enumerate(kept):
            if period in added:
                line = ema_trace(data.view, period, offered_emas=offered)
                patch["data"].insert(FIRST_EMA_TRACE + index, line)
    key = chart_key(source, symbol, timeframe, upload_ref)
    return ChartOutputs(patch, no_update, no_update, no_update, drawn_store(key, kept))


def notices(data: ChartData) -> list[dbc.Alert] | None:
    """What the loader fixed (warnings the user can dismiss), then why the chart is coarser."""
    shown = [
        dbc.Alert(text, color="warning", dismissable=True, className="sc-data-notice mb-2")
        for text in data.data_notices
    ]
    if data.notice:
        shown.append(dbc.Alert(data.notice, color="info", className="sc-notice mb-2"))
    return shown or None


def _chart_data(
    source: str,
    symbol: str | None,
    timeframe: str | None,
    upload_ref: dict | None,
    uploads: UploadCache,
    settings: Settings,
) -> ChartData:
    return load_chart_data(
        source=source,
        symbol=symbol,
        timeframe=timeframe,
        emas=tuple(settings.ema_periods),
        upload=UploadRef.from_store(upload_ref) if upload_ref else None,
        uploads=uploads,
        settings=settings,
    )


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
        Output("drawn-emas", "data"),
        Input("source", "value"),
        Input("symbol", "value"),
        Input("timeframe", "value"),
        Input("emas", "value"),
        Input("upload-ref", "data"),
        State("drawn-emas", "data"),
    )
    def on_controls(source, symbol, timeframe, visible_emas, upload_ref, drawn):
        only_emas = set(ctx.triggered_prop_ids) == {"emas.value"}
        return update_chart(source, symbol, timeframe, visible_emas, upload_ref, drawn,
                            only_emas=only_emas, uploads=uploads, settings=settings())  # fmt: skip
