"""The Plotly engine: an OhlcvView -> a dark candlestick figure with volume at the foot of the
price pane, EMA and indicator overlays, and one pane per oscillator (RSI, MACD...) under it,
all on one time axis with unified hover.

Used by the Streamlit dashboard, the Dash app, the images and the report. Layout lives in
``plotly_layout``, indicator traces in ``plotly_indicators``, colours in ``theme``.

Plotly candlesticks get sluggish long before 50k bars, so a figure never carries more than
``MAX_FIGURE_BARS``: :func:`fit_view` shows a larger request at a coarser timeframe (or, past
the coarsest one, its most recent bars) and says so in a notice both front ends show.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

# plotly's JSON encoder (Dash's callback answers, Streamlit's charts) looks PIL.Image up in
# sys.modules without the import lock, and PIL.Image is first imported lazily (plotly.utils), so
# a figure encoded in one thread while another was importing it met a half-made module: a 500
# in Dash under load. Imported with the chart code, before any request is served.
with contextlib.suppress(ImportError):
    import PIL.Image  # noqa: F401

from app.charts import theme
from app.charts.plotly_bars import colour_bars
from app.charts.plotly_indicators import indicator_traces, value_format
from app.charts.plotly_layout import (
    VOLUME_TRACE,
    figure_layout,
    price_floor,
    tick_label_chars,
)
from app.charts.plotly_time import bar_positions, hover_times, time_ticks, wall_times
from app.charts.plotly_volume import volume_fills, volume_hover_text
from app.charts.precision import price_format, view_price_precision
from app.core import (
    IndicatorSpec,
    OhlcvView,
    Timeframe,
    coarsest_needed,
    ema_column,
    parse_indicators,
    resample_ohlcv,
)
from app.core.service import add_lines

MAX_FIGURE_BARS = 3000
PRICE_TRACE = "Price"
FIRST_EMA_TRACE = 3  # traces before the EMA lines: candles, then volume's two (plotly_volume)

__all__ = [
    "FIRST_EMA_TRACE",
    "MAX_FIGURE_BARS",
    "PRICE_TRACE",
    "VOLUME_TRACE",
    "build_plotly_figure",
    "drawable_emas",
    "drawable_indicators",
    "ema_trace",
    "fit_view",
    "pane_count",
]


def ema_trace_name(period: int) -> str:
    return f"EMA {period}"


def fit_view(view: OhlcvView, *, max_bars: int = MAX_FIGURE_BARS) -> tuple[OhlcvView, str | None]:
    """``view`` if it has at most ``max_bars`` bars; otherwise the same span at the finest
    timeframe that fits (EMAs recomputed at that timeframe), or, when even weekly bars are too
    many, the most recent ``max_bars`` bars. The notice tells the user which happened."""
    frame = view.frame
    bars = len(frame)
    if bars <= max_bars:
        return view, None
    asked = view.timeframe
    times = frame["time"]
    span = (times.iloc[-1] - times.iloc[0]).total_seconds()
    target = coarsest_needed(asked, span, max_bars)
    too_many = f"{bars:,} {asked.name} bars are more than one chart draws smoothly ({max_bars:,})"
    if target.seconds > asked.seconds:
        coarser = _resampled(view, target)
        if len(coarser.frame) <= max_bars:
            shown = len(coarser.frame)
            notice = f"{too_many}: showing {shown:,} {target.name} bars over the same period."
            return coarser, notice
        view, frame, bars, asked = coarser, coarser.frame, len(coarser.frame), target
    window = dataclasses.replace(
        view,
        frame=frame.iloc[bars - max_bars :].reset_index(drop=True),
        first_index=view.first_index + bars - max_bars,
    )
    notice = f"{too_many}: showing the most recent {max_bars:,} {asked.name} bars."
    return window, notice


def _resampled(view: OhlcvView, target: Timeframe) -> OhlcvView:
    """The view's bars at ``target`` with its EMAs and indicators recomputed there. (Not
    ``build_view``: its cache would keep each large window alive, and a window is a new frame
    on every request.)"""
    frame = resample_ohlcv(view.frame, target, native=view.timeframe)
    frame = add_lines(frame, view.ema_periods, view.indicators)
    return OhlcvView(
        symbol=view.symbol,
        timeframe=target,
        native_timeframe=view.native_timeframe,
        ema_periods=view.ema_periods,
        frame=frame,
        total_bars=len(frame),
        first_index=0,
        notices=view.notices,
        source_frame=view.source_frame,
        indicators=view.indicators,
        chart=view.chart,
    )


def build_plotly_figure(
    view: OhlcvView,
    *,
    offered_emas: Sequence[int],
    visible_emas: Sequence[int] | None = None,
    title: str | None = None,
    notice: str | None = None,
    max_bars: int = MAX_FIGURE_BARS,
    ui_revision: str | None = None,
    indicators: Sequence[IndicatorSpec | str] | str | None = None,
    keep_hidden_emas: bool = False,
) -> go.Figure:
    """Candles (trace "Price"), volume at the foot of the price pane (two traces "Volume": the
    rising bars' and the falling bars' filled paths, ``plotly_volume``), one line per
    visible EMA ("EMA 10"...) coloured by its place among ``offered_emas``, then the catalog
    indicators: over the price (SMA, Bollinger...) or each in a pane of its own under it (RSI,
    MACD...), every pane on the one time axis, with its own legend.

    ``visible_emas`` None shows every offered EMA the view has; ``indicators`` None draws every
    indicator the view carries (``view.indicators``), else those of them named here. A view over
    ``max_bars`` is fitted with :func:`fit_view` first, and its notice joins ``notice`` (shown
    under the title). ``ui_revision``: while it stays the same, a redrawn figure keeps the
    user's zoom (Dash). Prices are written with the data's own decimals.
    ``keep_hidden_emas``: every offered EMA gets its line, those not visible with
    ``visible=False``, so a front end can show one again without new data (Dash's toggle)."""
    view, fitted_notice = fit_view(view, max_bars=max_bars)
    notices = [text for text in (notice, fitted_notice) if text]
    specs = drawable_indicators(view, indicators)
    decimals = view_price_precision(view)
    frame = view.frame
    times = wall_times(view)
    x = bar_positions(view)  # bars side by side: no weekend or night gaps (plotly_time)
    open_, high, low, close, volume = (
        np.ascontiguousarray(frame[name].to_numpy(dtype=np.float64))
        for name in ("open", "high", "low", "close", "volume")
    )
    rising = close >= open_
    traces: list[go.BaseTraceType] = [
        go.Candlestick(
            x=x,
            open=open_,
            high=high,
            low=low,
            close=close,
            name=PRICE_TRACE,
            customdata=hover_times(times, view.timeframe),
            text=volume_hover_text(volume),
            hovertemplate=_candle_hover(decimals),
            increasing={"line": {"color": theme.UP, "width": 1}, "fillcolor": theme.UP},
            decreasing={"line": {"color": theme.DOWN, "width": 1}, "fillcolor": theme.DOWN},
            whiskerwidth=0,
            yaxis="y",
        ),
        *volume_fills(x, volume, rising),
    ]
    offered = list(dict.fromkeys(offered_emas))
    shown = offered if visible_emas is None else [p for p in offered if p in set(visible_emas)]
    for period in drawable_emas(view, offered if keep_hidden_emas else shown):
        line = _ema_trace(view, x, period, offered, decimals)
        if period not in shown:
            line.visible = False
        traces.append(line)
    lines, shapes = indicator_traces(view, x, specs, decimals=decimals)
    traces.extend(lines)
    layout = figure_layout(
        title=title,
        notices=notices,
        ticks=time_ticks(times, x),
        price_floor=price_floor(low),
        decimals=decimals,
        max_volume=float(np.nanmax(volume)) if len(volume) else 0.0,
        pane_formats=[value_format(s, decimals) for s in specs if s.pane == "own"],
        label_chars=_label_chars(view, specs, decimals, high, low),
    )
    if shapes:
        layout["shapes"] = shapes
    if ui_revision is not None:
        layout["uirevision"] = ui_revision
    figure = go.Figure(data=traces, layout=layout)
    colour_bars(figure, traces)
    figure._bar_times = times  # for overlays placed by time (plotly_overlays); not sent
    figure._bar_positions = x
    return figure


def _label_chars(
    view: OhlcvView,
    specs: Sequence[IndicatorSpec],
    decimals: int,
    high: np.ndarray,
    low: np.ndarray,
) -> int:
    """The widest value label's characters over the price axis and every pane's axis."""
    prices = price_format(decimals)
    widest = tick_label_chars(np.concatenate([high, low]), prices)
    for spec in specs:
        if spec.pane == "own":
            values = view.frame[list(spec.columns)].to_numpy(dtype=np.float64).ravel()
            widest = max(widest, tick_label_chars(values, value_format(spec, decimals)))
    return widest


def _candle_hover(decimals: int) -> str:
    """The candle's hover row: the bar's date (the unified title shows only its position), its
    prices at the data's precision, then its volume (the candle's ``text``: the volume's paths
    have no hover of their own)."""
    value = price_format(decimals)
    prices = "".join(
        f"<br>{name}: %{{{name}:{value}}}" for name in ("open", "high", "low", "close")
    )
    return f"%{{customdata}}{prices}<br>volume: %{{text}}<extra></extra>"


def drawable_indicators(
    view: OhlcvView, wanted: Sequence[IndicatorSpec | str] | str | None = None
) -> list[IndicatorSpec]:
    """The view's indicators to draw: all of them (``wanted`` None), or those named in
    ``wanted`` that the view carries (others draw nothing)."""
    carried = [s for s in view.indicators if all(c in view.frame.columns for c in s.columns)]
    if wanted is None:
        return carried
    chosen = set(parse_indicators(wanted))
    return [spec for spec in carried if spec in chosen]


def pane_count(view: OhlcvView, indicators: Sequence[IndicatorSpec | str] | None = None) -> int:
    """Panes under the price a figure of ``view`` has: callers size the figure by it."""
    return sum(1 for spec in drawable_indicators(view, indicators) if spec.pane == "own")


def drawable_emas(view: OhlcvView, periods: Sequence[int]) -> list[int]:
    """The periods among ``periods`` the view has an EMA column for (others draw nothing)."""
    return [p for p in periods if ema_column(p) in view.frame.columns]


def ema_trace(view: OhlcvView, period: int, *, offered_emas: Sequence[int]) -> go.Scatter:
    """One EMA line exactly as :func:`build_plotly_figure` draws it for the same (fitted) view,
    so a front end can add a line to a figure it already shows (Dash patches)."""
    x = bar_positions(view)
    offered = list(dict.fromkeys(offered_emas))
    return _ema_trace(view, x, period, offered, view_price_precision(view))


def _ema_trace(
    view: OhlcvView, x: np.ndarray, period: int, offered: list[int], decimals: int
) -> go.Scatter:
    return go.Scatter(
        x=x,
        y=np.ascontiguousarray(view.frame[ema_column(period)].to_numpy(dtype=np.float64)),
        name=ema_trace_name(period),
        mode="lines",
        line={"color": theme.ema_color(period, offered), "width": 1.5},
        hovertemplate=f"%{{y:{price_format(decimals)}}}",
        connectgaps=False,
        yaxis="y",
    )
