"""Live bars, the cheap half: every ``DASH_REFRESH_S`` (dcc.Interval) the browser asks for the
newest bar of the data shown and nothing else, a read the core answers from its cache while the
file is unchanged (a stat). Only when that bar differs from the one seen before does the
``live-signal`` store change, which sets off the chart callback's Patch of the new bars
(:func:`app.dash_app.chart_callbacks.live_update`). So an idle chart costs one small request per
tick, and a new bar is drawn within a tick of its arrival.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from dash import Dash, Input, Output, State, no_update

from app.config import Settings
from app.core import get_ohlcv
from app.dash_app import inputs
from app.dash_app.chart_data import SOURCE_CONFIGURED


def newest_bar(symbol: str, settings: Settings) -> list[Any]:
    """``[symbol, time, open, high, low, close, volume, bars]`` of the data's newest bar at its
    own timeframe: it changes when a bar is added or the forming one moves."""
    view = get_ohlcv(symbol, emas=(), limit=1, settings=settings)
    if view.frame.empty:
        return [symbol, None, view.total_bars]
    bar = view.frame.iloc[-1]
    values = [None if pd.isna(bar[c]) else float(bar[c]) for c in ("open", "high", "low", "close",
                                                                    "volume")]  # fmt: skip
    return [symbol, bar["time"].isoformat(), *values, view.total_bars]


def newest_drawn(symbol: str, settings: Settings) -> list[Any] | None:
    """:func:`newest_bar` for the drawn store of a chart about to be drawn (read before its
    bars, so a bar arriving in between is one the next tick still signals), or None."""
    try:
        return newest_bar(symbol, settings)
    except Exception:  # the chart's own read says what is wrong
        return None


def live_signal(
    source: str, symbol: str | None, seen: Any, settings: Settings, drawn: Any = None
) -> Any:
    """The new value of the live-signal store, or no_update while the newest bar is the one
    ``seen`` or the one the figure was drawn with (the drawn store's ``newest``: the first tick
    after a page load or a redraw sets off no chart callback for bars already drawn). An upload
    does not change; errors are the chart's to show (at its next redraw)."""
    if source != SOURCE_CONFIGURED or not symbol:
        return no_update
    try:
        now = newest_bar(symbol, settings)
    except Exception:  # the chart callback says what is wrong, at its next redraw
        return no_update
    drawn_with = drawn.get("newest") if isinstance(drawn, dict) else None
    return no_update if now in (seen, drawn_with) else now


def register_live_check(app: Dash, settings: Callable[[], Settings]) -> None:
    @app.callback(
        Output("live-signal", "data"),
        Input("live", "n_intervals"),
        State("source", "value"),
        State("symbol", "value"),
        State("live-signal", "data"),
        State("drawn", "data"),
        prevent_initial_call=True,
    )
    def on_tick(_, source, symbol, seen, drawn):
        source, symbol = inputs.text(source) or "", inputs.text(symbol)
        return live_signal(source, symbol, seen, settings(), inputs.mapping(drawn))
