"""The 2x2 grid under the main chart: four Plotly charts, each with its own symbol and timeframe
(the same cached loader as the main chart), and a quotes table of their symbols. Drawn only
while its switch is on, so a page that does not use it loads nothing more."""

from __future__ import annotations

from collections.abc import Callable

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, dcc, html
from dash.exceptions import PreventUpdate

from app.charts.plotly_charts import build_plotly_figure
from app.config import Settings
from app.core import SuperChartError, get_ohlcv
from app.core.quotes import quote_from_frame
from app.core.timeframes import parse_timeframe
from app.dash_app.chart_data import AUTO, NATIVE
from app.dash_app.ticks_js import grid_ticks_js

GRID_CHARTS = 4
GRID_BARS = 300
GRID_HEIGHT = 360


def empty_figure() -> dict:
    return {"data": [], "layout": {"template": "plotly_dark", "height": GRID_HEIGHT}}


def grid_layout(
    symbol_timeframes: dict[str, str],
    default_timeframe: str,
    timeframe_options: Callable[[str | None], list[dict]],
) -> html.Div:
    """The switch and the four cells (``timeframe_options`` as the main chart's, without Auto)."""
    symbols = list(symbol_timeframes)
    cells = []
    for i in range(GRID_CHARTS):
        symbol = symbols[i % len(symbols)] if symbols else None
        options = [
            option
            for option in timeframe_options(symbol_timeframes.get(symbol))
            if option["value"] != AUTO
        ]
        allowed = [option["value"] for option in options]
        cells.append(
            dbc.Col(
                [
                    dbc.InputGroup(
                        [
                            dbc.Select(
                                id=f"grid-symbol-{i}",
                                options=[{"label": s, "value": s} for s in symbols],
                                value=symbol,
                            ),
                            dbc.Select(
                                id=f"grid-timeframe-{i}",
                                options=options,
                                value=default_timeframe if default_timeframe in allowed else None,
                            ),
                        ],
                        size="sm",
                    ),
                    dcc.Graph(
                        id=f"grid-chart-{i}",
                        figure=empty_figure(),
                        config={"displayModeBar": False, "displaylogo": False},
                        style={"height": f"{GRID_HEIGHT}px"},
                    ),
                ],
                md=6,
                className="mb-2",
            )
        )
    return html.Div(
        [
            dbc.Switch(id="grid-on", label="2x2 grid", value=False, className="mt-3"),
            html.Div([dbc.Row(cells), html.Div(id="grid-quotes")], id="grid-body"),
        ]
    )


def grid_figure(symbol: str | None, timeframe: str | None, settings: Settings) -> dict:
    if not symbol:
        raise PreventUpdate
    try:
        wanted = None if timeframe in (None, "", NATIVE, AUTO) else timeframe
        view = get_ohlcv(
            symbol, timeframe=wanted, emas=settings.ema_periods, limit=GRID_BARS, settings=settings
        )
    except SuperChartError as exc:
        figure = empty_figure()
        figure["layout"]["title"] = {"text": f"{symbol}: {exc}"}
        return figure
    figure = build_plotly_figure(
        view, offered_emas=settings.ema_periods, title=f"{view.symbol} · {view.timeframe.name}"
    )
    figure.update_layout(height=GRID_HEIGHT, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return figure


def quotes_table(symbols: list[str | None], settings: Settings) -> dbc.Table:
    rows = []
    for symbol in dict.fromkeys(s for s in symbols if s):
        try:
            view = get_ohlcv(symbol, emas=(), limit=GRID_BARS, settings=settings)
            quote = quote_from_frame(symbol, view.frame, parse_timeframe("1d"))
        except SuperChartError as exc:
            quote = {"symbol": symbol, "error": str(exc)}
        if "error" in quote:
            cells = [html.Td(symbol), html.Td(quote["error"], colSpan=3)]
        else:
            pct = quote["change_pct"]
            cells = [
                html.Td(symbol),
                html.Td(quote["last"]),
                html.Td(quote["change"]),
                html.Td("" if pct is None else f"{pct:.2f}%"),
            ]
        rows.append(html.Tr(cells))
    head = html.Thead(html.Tr([html.Th(name) for name in ("Symbol", "Last", "Chg", "Chg%")]))
    return dbc.Table([head, html.Tbody(rows)], size="sm", className="mt-2")


def register_grid_callbacks(app: Dash, settings: Callable[[], Settings]) -> None:
    @app.callback(Output("grid-body", "hidden"), Input("grid-on", "value"))
    def show_grid(on: bool) -> bool:
        return not on

    def draw_grid_chart(symbol: str | None, timeframe: str | None, on: bool):
        if not on:
            raise PreventUpdate
        return grid_figure(symbol, timeframe, settings())

    for i in range(GRID_CHARTS):
        app.callback(
            Output(f"grid-chart-{i}", "figure"),
            Input(f"grid-symbol-{i}", "value"),
            Input(f"grid-timeframe-{i}", "value"),
            Input("grid-on", "value"),
        )(draw_grid_chart)
        app.clientside_callback(  # the date labels of the bars in view, after a zoom or pan
            grid_ticks_js(f"grid-chart-{i}"),
            Output(f"grid-chart-{i}", "figure", allow_duplicate=True),
            Input(f"grid-chart-{i}", "relayoutData"),
            prevent_initial_call=True,
        )

    @app.callback(
        Output("grid-quotes", "children"),
        *(Input(f"grid-symbol-{i}", "value") for i in range(GRID_CHARTS)),
        Input("grid-on", "value"),
    )
    def draw_quotes(*values):
        *symbols, on = values
        if not on:
            raise PreventUpdate
        return quotes_table(list(symbols), settings())
