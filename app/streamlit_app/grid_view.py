"""The 2x2 grid: four Plotly charts, each with its own symbol and timeframe, from the same cached
loader as the single chart, and a quotes table (last, change, change % over the day) of the
four symbols.

Each cell is the single chart's Plotly component (one key per cell), not ``st.plotly_chart``,
which mounts a new chart for every new figure: a cell keeps the zoom and pan the user set while
new bars arrive (the grid checks for them every ``STREAMLIT_REFRESH_S``, as the single chart
does) and while another cell is changed."""

from __future__ import annotations

import pandas as pd
import plotly.io
import streamlit as st

from app.charts.plotly_charts import build_plotly_figure
from app.config import Settings
from app.core import TIMEFRAMES, SuperChartError, SymbolInfo, timeframes_not_finer_than
from app.core.quotes import quote_from_frame
from app.core.timeframes import parse_timeframe
from app.streamlit_app.alerts import show_error
from app.streamlit_app.chart_data import ChartData
from app.streamlit_app.chart_panel import PLOTLY_CONFIG, DrawnFigure
from app.streamlit_app.loading import load_symbol_chart
from app.streamlit_app.plotly_component import plotly_component

LAYOUT_KEY = "layout"
LAYOUTS = {"single": "One chart", "grid": "2x2 grid"}
GRID_CHARTS = 4
GRID_BARS = 300  # bars each grid chart draws
GRID_HEIGHT = 380


def choose_layout() -> str:
    return st.radio(
        "Layout", list(LAYOUTS), format_func=LAYOUTS.__getitem__, key=LAYOUT_KEY, horizontal=True
    )


def _timeframes(info: SymbolInfo) -> list[str]:
    if info.timeframe in TIMEFRAMES:
        return timeframes_not_finer_than(info.timeframe)
    return list(TIMEFRAMES)


def _grid_chart(settings: Settings, source: str, symbols: list[SymbolInfo], i: int) -> dict | None:
    """One cell: its symbol and timeframe pickers and its chart; its quote, or None."""
    names = [info.symbol for info in symbols]
    pick_symbol, pick_timeframe = st.columns(2)
    name = pick_symbol.selectbox("Symbol", names, index=i % len(names), key=f"grid_symbol_{i}")
    info = symbols[names.index(name)]
    timeframes = _timeframes(info)
    default = settings.default_timeframe if settings.default_timeframe in timeframes else None
    timeframe = pick_timeframe.selectbox(
        "Timeframe",
        timeframes,
        index=timeframes.index(default) if default else 0,
        key=f"grid_timeframe_{i}",
    )
    try:
        data = load_symbol_chart(settings, source, info, timeframe, settings.ema_periods, GRID_BARS)
    except SuperChartError as exc:
        show_error(exc)
        return None
    title = f"{name} · {timeframe}"
    # A new symbol or timeframe starts whole; new bars of the same keep the cell's zoom.
    figure = _grid_figure(data.key, title, f"{source}|{name}|{timeframe}", _data=data)
    plotly_component(
        figure=figure.json,
        config=PLOTLY_CONFIG,
        height=GRID_HEIGHT,
        last_position=figure.last_position,
        key=f"grid_chart_{i}",
    )
    return quote_from_frame(name, data.view.frame, parse_timeframe("1d"))


@st.cache_resource(show_spinner=False, max_entries=16)
def _grid_figure(data_key: str, title: str, ui_revision: str, _data: ChartData) -> DrawnFigure:
    """A cell's figure, built and serialised once per window of bars: a check that finds no new
    bar sends the same text, which the browser does not draw again."""
    figure = build_plotly_figure(
        _data.view,
        offered_emas=_data.view.ema_periods,
        title=title,
        ui_revision=ui_revision,
    )
    figure.update_layout(height=GRID_HEIGHT, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    positions = figure._bar_positions
    last = int(positions[-1]) if len(positions) else -1
    return DrawnFigure(json=plotly.io.to_json(figure, validate=False), last_position=last)


def render_grid(settings: Settings, source: str, symbols: list[SymbolInfo]) -> None:
    """The grid, rerun alone (a fragment) every ``STREAMLIT_REFRESH_S`` to draw new bars."""
    if not symbols:
        st.info("No symbols to show.")
        return
    every = settings.streamlit_refresh_s
    st.fragment(_live_cells, run_every=every or None)(settings, source, symbols)


def _live_cells(settings: Settings, source: str, symbols: list[SymbolInfo]) -> None:
    # A fragment's own reruns do not pass through the app's guard: a bug shows a plain message.
    try:
        _render_cells(settings, source, symbols)
    except Exception as exc:
        show_error(exc)


def _render_cells(settings: Settings, source: str, symbols: list[SymbolInfo]) -> None:
    quotes: dict[str, dict] = {}
    for row in range(GRID_CHARTS // 2):
        for column, cell in enumerate(st.columns(2)):
            with cell:
                quote = _grid_chart(settings, source, symbols, row * 2 + column)
                if quote is not None:
                    quotes[str(quote["symbol"])] = quote
    st.subheader("Quotes")
    table = pd.DataFrame(
        [
            {
                "Symbol": symbol,
                "Last": quote.get("last"),
                "Change": quote.get("change"),
                "Change %": quote.get("change_pct"),
            }
            for symbol, quote in quotes.items()
        ]
    )
    st.dataframe(table, hide_index=True, use_container_width=True)
