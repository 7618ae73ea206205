"""The chart's callbacks that run in the browser only: EMA lines shown or hidden in place, and
the time axis' date labels for the bars in view. None of them sends a request."""

from __future__ import annotations

from dash import Dash, Input, Output, State

from app.dash_app.ema_toggle_js import SYNC_NEW_FIGURE_JS, TOGGLE_EMAS_JS
from app.dash_app.ticks_js import NEW_FIGURE_TICKS_JS, VISIBLE_TICKS_JS


def register_browser_callbacks(app: Dash) -> None:
    app.clientside_callback(
        TOGGLE_EMAS_JS,
        Output("emas-shown", "data"),  # nothing: the chart is restyled in place
        Input("emas", "value"),
        State("drawn", "data"),  # not an input: a redraw on its way would hold the toggle back
        prevent_initial_call=True,
    )
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
