"""Draw an OhlcvView with TradingView Lightweight Charts through the package's StreamlitChart.

Two defects of lightweight-charts 2.1 are worked around here:
- it turns times into seconds with ``astype('int64') // 10**9``, which is only right for
  nanosecond columns; pandas 3 often hands out microseconds, giving 1970 times and no candles.
  We give it ``datetime64[ns, UTC]`` times.
- ``StreamlitChart`` draws through ``streamlit.components.v1.html``, deprecated in Streamlit 1.67
  (a warning on every rerun); we keep its self-contained page and draw it with ``st.iframe``.
The HTML inlines the package's own JS and CSS, so nothing comes from a CDN.

Panes: indicators over the price are lines on the main chart; each own-pane indicator (RSI,
MACD...) is one of the package's synced subcharts under it (shared visible range and
crosshair), volume staying at the foot of the price chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

import numpy as np
import pandas as pd
import streamlit as st
from lightweight_charts.widgets import StreamlitChart

from app.charts import theme
from app.charts.plotly_overlays import RESISTANCE_COLOR, SPIKE_COLOR, SUPPORT_COLOR, level_label
from app.charts.precision import view_price_precision
from app.core import OHLCV_COLUMNS, OhlcvView, ema_column
from app.core.analysis import Level, Spike
from app.core.indicators import IndicatorSpec

# The package pastes the font into JS string literals; unquoted family names are valid CSS.
_FONT = theme.FONT_FAMILY.replace("'", "").replace('"', "")


class _CapturedStreamlitChart(StreamlitChart):
    """A StreamlitChart that keeps its finished page instead of drawing it."""

    page: str = ""

    def _load(self) -> None:
        self.page = f"{self._html}</script></body></html>"


def _with_ns_times(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["time"] = out["time"].dt.as_unit("ns")
    return out


def ema_line_name(period: int) -> str:
    return f"EMA {period}"


def render_lightweight_chart(
    view: OhlcvView,
    *,
    data_key: str,
    offered_emas: Sequence[int],
    visible_emas: Sequence[int],
    height: int = 600,
    levels: Sequence[Level] = (),
    spikes: Sequence[Spike] = (),
) -> None:
    """One candlestick chart with volume, the visible EMA lines and the view's indicators (a
    synced pane under the price for each oscillator), in an iframe.

    ``data_key`` names the view's data: the page (~2.5 MB for 5,000 bars, ~0.3 s to build
    through the package) is cached on it and the visible EMAs."""
    page = _chart_page(
        data_key, tuple(offered_emas), tuple(visible_emas), tuple(levels), tuple(spikes), view
    )
    panes = sum(1 for spec in view.indicators if spec.pane == "own")
    st.iframe(page, height=height + PANE_HEIGHT * max(0, panes - 1))


PANE_HEIGHT = 130  # pixels each extra oscillator pane adds to the chart's height
INDICATOR_PALETTE = ("#f7525f", "#7e57c2", "#26c6da", "#ffa726", "#66bb6a", "#ec407a")


PRICE_MARGIN_TOP = 0.08
PRICE_MARGIN_BOTTOM = 0.25  # room for the volume under the candles


def price_margin_bottom(frame: pd.DataFrame) -> float:
    """The price scale's bottom margin: room for the volume, but never so much that the scale
    reaches under zero for prices that cannot be negative (a long rally: GOOG 1M showed 0, -100,
    -200 under its candles). The price at the bottom edge is ``low - bottom / (1 - top -
    bottom) * (high - low)``, which stays >= 0 while ``bottom <= (1 - top) * low / high``."""
    low, high = float(frame["low"].min()), float(frame["high"].max())
    if not (np.isfinite(low) and np.isfinite(high)) or low < 0 or high <= 0:
        return PRICE_MARGIN_BOTTOM
    return round(min(PRICE_MARGIN_BOTTOM, (1 - PRICE_MARGIN_TOP) * low / high), 4)


def _pane_split(panes: int) -> tuple[float, float]:
    """The price chart's share of the height, and each pane's."""
    if panes == 0:
        return 1.0, 0.0
    price = max(0.4, 1.0 - 0.22 * panes)
    return price, (1.0 - price) / panes


@st.cache_data(show_spinner=False, max_entries=16)
def _chart_page(
    data_key: str,
    offered_emas: tuple[int, ...],
    visible_emas: tuple[int, ...],
    levels: tuple[Level, ...],
    spikes: tuple[Spike, ...],
    _view: OhlcvView,
) -> str:
    frame = _with_ns_times(_view.frame)
    own = [spec for spec in _view.indicators if spec.pane == "own"]
    price_share, pane_share = _pane_split(len(own))
    chart = _CapturedStreamlitChart(inner_width=1, inner_height=price_share)
    chart.layout(background_color=theme.BACKGROUND, text_color=theme.TEXT, font_family=_FONT)
    chart.grid(color=theme.GRID)
    chart.candle_style(up_color=theme.UP, down_color=theme.DOWN)
    # Volume in the bottom fifth, candles above it: the same split as the Plotly figure.
    chart.volume_config(
        scale_margin_top=0.8, up_color=theme.UP_VOLUME, down_color=theme.DOWN_VOLUME
    )
    chart.price_scale(
        scale_margin_top=PRICE_MARGIN_TOP, scale_margin_bottom=price_margin_bottom(frame)
    )
    chart.legend(visible=True, font_family=_FONT, color=theme.TEXT)
    chart.set(frame[list(OHLCV_COLUMNS)])
    for period in visible_emas:
        column = ema_column(period)
        if column not in frame:
            continue
        name = ema_line_name(period)
        line = chart.create_line(
            name=name,
            color=theme.ema_color(period, offered_emas),
            width=2,
            price_line=False,
            price_label=False,
        )
        line.set(frame[["time", column]].rename(columns={column: name}))
    _draw_analysis(chart, levels, spikes, view_price_precision(_view))
    colours = _indicator_colours(_view.indicators)
    for spec in _view.indicators:
        if spec.pane == "price":
            _draw_outputs(chart, frame, spec, colours[spec])
    for spec in own:
        pane = chart.create_subchart(position="left", width=1, height=pane_share, sync=True)
        pane.layout(background_color=theme.BACKGROUND, text_color=theme.TEXT, font_family=_FONT)
        pane.grid(color=theme.GRID)
        pane.legend(visible=True, font_family=_FONT, color=theme.TEXT)
        pane.time_scale(visible=False)
        _draw_outputs(pane, frame, spec, colours[spec])
    chart.fit()
    chart.load()
    return chart.page


def _draw_analysis(
    chart, levels: Sequence[Level], spikes: Sequence[Spike], decimals: int | None
) -> None:
    """Levels as price lines labelled with their touch count; spikes as markers under their
    candles (the package puts markers on the candle series only)."""
    for level in levels:
        colour = SUPPORT_COLOR if level.kind == "support" else RESISTANCE_COLOR
        chart.horizontal_line(
            level.price,
            color=colour,
            width=1,
            style="dashed",
            text=level_label(asdict(level), decimals),
        )
    if spikes:
        chart.marker_list(
            [
                {
                    "time": pd.Timestamp(spike.time, unit="s", tz="UTC").as_unit("ns"),
                    "position": "below",
                    "shape": "arrow_up",
                    "color": SPIKE_COLOR,
                    "text": "Vol" if spike.zscore is None else f"Vol z{spike.zscore:.1f}",
                }
                for spike in spikes
            ]
        )


def _indicator_colours(specs: Sequence[IndicatorSpec]) -> dict[IndicatorSpec, list[str]]:
    """One colour per output line, in the picker's order."""
    colours: dict[IndicatorSpec, list[str]] = {}
    index = 0
    for spec in specs:
        colours[spec] = []
        for _ in spec.columns:
            colours[spec].append(INDICATOR_PALETTE[index % len(INDICATOR_PALETTE)])
            index += 1
    return colours


def indicator_line_name(spec: IndicatorSpec, plot_label: str, outputs: int) -> str:
    """The legend name of one output: "RSI 14", or "MACD 12 26 9 Signal" for a second line."""
    return spec.label if outputs == 1 else f"{spec.label} {plot_label}"


def _draw_outputs(chart, frame: pd.DataFrame, spec: IndicatorSpec, colours: list[str]) -> None:
    plots = spec.definition.plots
    for plot, column, colour in zip(plots, spec.columns, colours, strict=True):
        if column not in frame:
            continue
        name = indicator_line_name(spec, plot.label, len(plots))
        if plot.style == "histogram":
            series = chart.create_histogram(
                name=name, color=colour, price_line=False, price_label=False
            )
        else:
            series = chart.create_line(
                name=name,
                color=colour,
                width=1 if plot.style == "dots" else 2,
                style="dotted" if plot.style == "dots" else "solid",
                price_line=False,
                price_label=False,
            )
        series.set(frame[["time", column]].rename(columns={column: name}))
