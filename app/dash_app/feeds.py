"""The source picker: which of SOURCES the symbol list shows. Symbols are named as they reach
their source (``PYTH:Crypto.BTC/USD``; bare for DATA_SOURCE's), so the chart loads them as
/api/ohlcv does whichever source is picked."""

from __future__ import annotations

from collections.abc import Callable

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, html

from app.config import Settings
from app.core import SuperChartError
from app.core.sources.configured import get_registry
from app.dash_app import inputs

FEED_LABELS = {
    "files": "Data folder",
    "api": "Broker API",
    "ccxt": "Exchanges (CCXT)",
    "binance": "Binance",
    "pyth": "Pyth Benchmarks",
    "udf": "UDF server",
}


def symbol_timeframes(settings: Settings, feed: str) -> dict[str, str]:
    """``{symbol: native timeframe}`` of one source; SuperChartError when it cannot list."""
    registry = get_registry(settings)
    return {info.symbol: info.timeframe for info in registry.list_symbols((feed,)).symbols}


def feed_layout(settings: Settings) -> html.Div:
    """The picker, shown when SOURCES names more than one source."""
    enabled = settings.enabled_sources
    return html.Div(
        [
            dbc.Label("Feed", html_for="feed"),
            dbc.Select(
                id="feed",
                options=[{"label": FEED_LABELS[name], "value": name} for name in enabled],
                value=settings.default_source,
                className="mb-3",
            ),
            html.Div(id="feed-alert"),
        ],
        hidden=len(enabled) < 2,
    )


def register_feed_callbacks(app: Dash, settings: Callable[[], Settings]) -> None:
    @app.callback(
        Output("symbol", "options"),
        Output("symbol", "value"),
        Output("symbol-timeframes", "data"),
        Output("feed-alert", "children"),
        Input("feed", "value"),
        prevent_initial_call=True,
    )
    def on_feed(feed):
        current = settings()
        name = inputs.choice(feed, set(current.enabled_sources), current.default_source)
        try:
            found = symbol_timeframes(current, name)
        except SuperChartError as exc:
            return [], None, {}, dbc.Alert(exc.message, color="danger")
        symbols = list(found)
        default = current.default_symbol if current.default_symbol in found else None
        value = default or next(iter(symbols), None)
        return [{"label": s, "value": s} for s in symbols], value, found, None
