"""Callbacks: plain functions (tested directly) and ``register_callbacks`` wiring them to the page.

The chart's own functions are in :mod:`app.dash_app.chart_callbacks`. Every error reaches the
user as an alert (:mod:`app.dash_app.alerts`), never as a broken callback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import Dash, Input, Output, State, ctx, html, no_update

from app.config import Settings
from app.core import DataError, SuperChartError
from app.dash_app import inputs
from app.dash_app.alerts import error_alert
from app.dash_app.analysis_panel import LEVELS, SPIKES, panel
from app.dash_app.browser_callbacks import register_browser_callbacks
from app.dash_app.chart_callbacks import LIVE_ONLY, PAGE_ONLY, chart_key, update_chart
from app.dash_app.chart_data import NATIVE, SOURCE_CONFIGURED, SOURCE_UPLOAD, load_chart_data
from app.dash_app.download import DOWNLOAD_PNG_JS
from app.dash_app.feeds import register_feed_callbacks
from app.dash_app.indicator_picker import chart_style, register_picker_callbacks
from app.dash_app.layout import timeframe_options
from app.dash_app.live_check import register_live_check
from app.dash_app.paging_js import PAGE_REQUEST_JS
from app.dash_app.uploads import UploadCache, UploadRef, decode_contents, too_large
from app.dash_app.window import Window

# Runs in the browser once it has read the file: a file over the limit is not sent to the
# server at all, only its size; otherwise the progress line says it is on its way. (The line
# "Reading <file>" shown while the browser reads it comes from assets/upload_progress.js.)
CHECK_UPLOAD_SIZE_JS = """
function (contents, filename, limit) {
    const skip = window.dash_clientside.no_update;
    const box = document.getElementById("upload");
    if (box) { box.removeAttribute("data-reading"); }
    if (!contents) { return [skip, skip]; }
    const encoded = contents.length - contents.indexOf(",") - 1;
    const padding = contents.endsWith("==") ? 2 : (contents.endsWith("=") ? 1 : 0);
    const size = Math.floor(encoded * 3 / 4) - padding;
    if (size > limit) { return [{filename: filename, size: size}, null]; }
    const mb = (size / 1048576).toFixed(1);
    return [
        {filename: filename, size: size, contents: contents},
        `Uploading and reading ${filename} (${mb} MB)…`,
    ];
}
"""


def receive_upload(
    payload: dict | None, *, uploads: UploadCache, settings: Settings
) -> tuple[Any, Any, Any]:
    """Parse an upload once -> (upload-ref data, upload-status, source value). On success the
    chart switches to the file (at its own timeframe: see :func:`sync_controls`)."""
    if not payload:
        return no_update, no_update, no_update
    payload = inputs.upload_payload(payload)
    if payload is None:
        damaged = DataError("The upload arrived damaged; please try again.")
        return no_update, error_alert(damaged), no_update
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
) -> tuple[list[dict], Any, bool, dict, Any]:
    """-> (timeframe options, timeframe value, symbol disabled, symbol style, upload name), for
    the data now chosen.

    Only timeframes not finer than the data's own are offered. A new upload opens at its own
    timeframe; otherwise the choice stays while the data allows it. While the chart shows an
    upload, the symbol select is disabled and hidden (it would change nothing, and its symbol
    is not what is drawn): the file's name stands in its place."""
    uploaded = source == SOURCE_UPLOAD
    if uploaded:
        native = upload_ref.get("timeframe") if upload_ref else None
    else:
        native = (symbol_timeframes or {}).get(symbol or "")
    try:
        options = timeframe_options(native)
    except SuperChartError:  # not a timeframe name (a crafted store): offer them all
        options = timeframe_options(None)
    allowed = {option["value"] for option in options}
    value = NATIVE if new_upload or timeframe not in allowed else no_update
    if value == timeframe:
        value = no_update  # unchanged: the chart needs no second redraw
    if uploaded and upload_ref:
        name = html.Div(str(upload_ref.get("filename")), className="form-control sc-upload-name")
        return options, value, True, {"display": "none"}, name
    return options, value, uploaded, {}, None


SOURCES = {SOURCE_CONFIGURED, SOURCE_UPLOAD}
OVERLAYS = [LEVELS, SPIKES]


def analysis_of_drawn(
    drawn: dict | None,
    source: str,
    symbol: str | None,
    timeframe: str | None,
    upload_ref: dict | None,
    *,
    uploads: UploadCache,
    settings: Settings,
) -> Any:
    """The analysis panel for the bars the chart has just drawn (its window), or nothing when
    no chart is drawn (an error is already shown above it)."""
    if not drawn or not str(drawn.get("key", "")).startswith(
        chart_key(source, symbol, timeframe, upload_ref) + "|"
    ):
        return None if not drawn else no_update  # the controls moved on: their redraw follows
    try:
        data = load_chart_data(
            source=source,
            symbol=symbol,
            timeframe=timeframe,
            emas=(),
            upload=UploadRef.from_store(upload_ref) if upload_ref else None,
            uploads=uploads,
            settings=settings,
            window=Window.from_store(drawn.get("window")),
        )
        return panel(data)
    except Exception as exc:  # every failure becomes an alert
        return error_alert(exc)


# The chart callback's shortcuts, by what alone set it off; anything else redraws the chart.
TRIGGERS = {
    frozenset({"page.data"}): PAGE_ONLY,
    frozenset({"live-signal.data"}): LIVE_ONLY,
}


def register_callbacks(app: Dash, uploads: UploadCache, settings: Callable[[], Settings]) -> None:
    register_picker_callbacks(app)
    register_feed_callbacks(app, settings)
    register_live_check(app, settings)
    app.clientside_callback(
        PAGE_REQUEST_JS,
        Output("page", "data"),
        Input("chart", "relayoutData"),
        State("drawn", "data"),
        prevent_initial_call=True,
    )
    register_browser_callbacks(app)
    app.clientside_callback(
        CHECK_UPLOAD_SIZE_JS,
        Output("upload-payload", "data"),
        Output("upload-progress", "children"),
        Input("upload", "contents"),
        State("upload", "filename"),
        State("upload-limit", "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output("upload-ref", "data"),
        Output("upload-status", "children"),
        Output("source", "value"),
        Output("upload-progress", "children", allow_duplicate=True),
        Input("upload-payload", "data"),
        prevent_initial_call=True,
    )
    def on_upload(payload):
        return (*receive_upload(payload, uploads=uploads, settings=settings()), None)

    # The layout starts with the default symbol's options; this follows later changes. The chart
    # callback waits for it when both fire (its timeframe input is this callback's output).
    @app.callback(
        Output("timeframe", "options"),
        Output("timeframe", "value"),
        Output("symbol", "disabled"),
        Output("symbol", "style"),
        Output("upload-name", "children"),
        Input("source", "value"),
        Input("symbol", "value"),
        Input("upload-ref", "data"),
        State("timeframe", "value"),
        State("symbol-timeframes", "data"),
        prevent_initial_call=True,
    )
    def on_data_change(source, symbol, upload_ref, timeframe, symbol_timeframes):
        new_upload = "upload-ref.data" in ctx.triggered_prop_ids
        return sync_controls(
            inputs.choice(source, SOURCES, SOURCE_CONFIGURED),
            inputs.text(symbol),
            inputs.upload_ref(upload_ref),
            inputs.text(timeframe),
            inputs.symbol_timeframes(symbol_timeframes),
            new_upload=new_upload,
        )

    @app.callback(
        Output("chart", "figure"),
        Output("alert", "children"),
        Output("notice", "children"),
        Output("summary", "children"),
        Output("drawn", "data"),
        # The chart's height (a pane per oscillator) lands with the figure that has the panes:
        # set apart, it resized the old figure first, a whole second draw of the candles.
        Output("chart", "style"),
        Input("source", "value"),
        Input("symbol", "value"),
        Input("timeframe", "value"),
        Input("upload-ref", "data"),
        Input("page", "data"),
        Input("indicators", "value"),
        Input("overlays", "value"),
        Input("live-signal", "data"),  # the newest bar changed (live_check)
        State("emas", "value"),  # toggled in the browser (ema_toggle_js); drawn as it is
        State("drawn", "data"),
        prevent_initial_call=True,  # the page comes with its first chart (layout.build_layout)
    )
    def on_controls(source, symbol, timeframe, upload_ref, page, chosen, overlays, _, emas, drawn):
        trigger = TRIGGERS.get(frozenset(ctx.triggered_prop_ids))
        indicators = inputs.tokens(chosen)
        style = chart_style(indicators) if trigger is None else no_update
        outputs = update_chart(
            inputs.choice(source, SOURCES, SOURCE_CONFIGURED),
            inputs.text(symbol),
            inputs.text(timeframe),
            inputs.periods(emas),
            inputs.upload_ref(upload_ref),
            inputs.mapping(drawn),
            trigger=trigger,
            page=inputs.mapping(page),
            indicators=indicators,
            overlays=inputs.choices(overlays, OVERLAYS),
            uploads=uploads,
            settings=settings(),
        )
        return (*outputs, style)

    @app.callback(
        Output("analysis", "children"),
        Input("drawn", "data"),
        State("source", "value"),
        State("symbol", "value"),
        State("timeframe", "value"),
        State("upload-ref", "data"),
    )
    def on_drawn(drawn, source, symbol, timeframe, upload_ref):
        return analysis_of_drawn(
            inputs.mapping(drawn),
            inputs.choice(source, SOURCES, SOURCE_CONFIGURED),
            inputs.text(symbol),
            inputs.text(timeframe),
            inputs.upload_ref(upload_ref),
            uploads=uploads,
            settings=settings(),
        )

    app.clientside_callback(  # drawn in the browser from the figure shown (download.py)
        DOWNLOAD_PNG_JS,
        Output("download", "data"),
        Output("download-error", "children"),
        Input("download-png", "n_clicks"),
        State("drawn", "data"),
        prevent_initial_call=True,
    )
