"""The chart's callbacks that run in the browser only: a new figure's EMA lines set as the
switches are (the switches themselves act in assets/ema_toggle.js), and the time axis' date
labels for the bars in view. None of them sends a request."""

from __future__ import annotations

from dash import Dash, Input, Output, State

from app.dash_app.ema_toggle_js import SYNC_NEW_FIGURE_JS
from app.dash_app.ticks_js import NEW_FIGURE_TICKS_JS, VISIBLE_TICKS_JS


def register_browser_callbacks(app: Dash) -> None:
    app.clientside_callback(  # a new figure, drawn with the checklist of its request's time
        SYNC_NEW_FIGURE_JS,
        Output("chart", "figure", allow_duplicate=True),
        Input("drawn", "data"),
        State("emas", "value"),
        State("chart", "figure"),
        prevent_initial_call=True,
    )
    app.clientside_callback(  # the date labels of the bars in view, after a zoom or pan
        VISIBLE_TICKS_JS,
        Output("chart", "figure", allow_duplicate=True),
        Input("chart", "relayoutData"),
        State("drawn", "data"),
        State("chart", "figure"),
        prevent_initial_call=True,
    )
    app.clientside_callback(  # ... and after new bars or a new figure
        NEW_FIGURE_TICKS_JS,
        Output("chart", "figure", allow_duplicate=True),
        Input("drawn", "data"),
        State("chart", "figure"),
        prevent_initial_call=True,
    )
