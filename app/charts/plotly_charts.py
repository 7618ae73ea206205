"""The Plotly engine: an OhlcvView -> a dark candlestick figure with volume and EMA overlays.

Used by the Streamlit dashboard and the Dash app. Plotly candlesticks get sluggish long before
50k bars, so a figure never carries more than ``MAX_FIGURE_BARS``: :func:`fit_view` shows a
larger request at a coarser timeframe (or, past the coarsest one, its most recent bars) and says
so in a notice both front ends show.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from app.charts import theme
from app.core import (
    OhlcvView,
    Timeframe,
    add_emas,
    coarsest_needed,
    ema_column,
    resample_ohlcv,
)

MAX_FIGURE_BARS = 3000
PRICE_TRACE = "Price"
VOLUME_TRACE = "Volume"
FIRST_EMA_TRACE = 2  # traces before the EMA lines: candles, then volume
PRICE_DOMAIN = (0.24, 1.0)  # the price pane; volume gets the strip below it
VOLUME_DOMAIN = (0.0, 0.2)


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
    """The view's bars at ``target`` with its EMAs recomputed there. (Not ``build_view``: its
    cache would keep each large window alive, and a window is a new frame on every request.)"""
    frame = resample_ohlcv(view.frame, target, native=view.timeframe)
    if view.ema_periods:
        frame = add_emas(frame, view.ema_periods)
    return OhlcvView(
        symbol=view.symbol,
        timeframe=target,
        native_timeframe=view.native_timeframe,
        ema_periods=view.ema_periods,
        frame=frame,
        total_bars=len(frame),
        first_index=0,
        notices=view.notices,
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
) -> go.Figure:
    """Candles (trace "Price"), volume in its own pane below on the same time axis ("Volume"),
    and one line per visible EMA ("EMA 10"...) coloured by its place among ``offered_emas``.

    ``visible_emas`` None shows every offered EMA the view has. A view over ``max_bars`` is fitted
    with :func:`fit_view` first, and its notice joins ``notice`` (shown under the title).
    ``ui_revision``: while it stays the same, a redrawn figure keeps the user's zoom (Dash)."""
    view, fitted_notice = fit_view(view, max_bars=max_bars)
    notices = [text for text in (notice, fitted_notice) if text]
    frame = view.frame
    x = frame["time"].dt.tz_convert(None).to_numpy()  # UTC wall times; Plotly has no zones
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
            increasing={"line": {"color": theme.UP, "width": 1}, "fillcolor": theme.UP},
            decreasing={"line": {"color": theme.DOWN, "width": 1}, "fillcolor": theme.DOWN},
            whiskerwidth=0,
            yaxis="y",
        ),
        go.Bar(
            x=x,
            y=volume,
            name=VOLUME_TRACE,
            # 0/1 through a two-colour scale: a numeric array is validated and sent as a typed
            # array; 3000 colour strings cost ~0.2 s of Plotly validation.
            marker={
                "color": rising.astype(np.int8),
                "colorscale": [[0, theme.DOWN_VOLUME], [1, theme.UP_VOLUME]],
                "cmin": 0,
                "cmax": 1,
                "line": {"width": 0},
            },
            yaxis="y2",
            hovertemplate="%{y:,.4~f}",
            showlegend=False,  # a colourscale's legend swatch is grey; the pane is labelled
        ),
    ]
    offered = list(dict.fromkeys(offered_emas))
    shown = offered if visible_emas is None else [p for p in offered if p in set(visible_emas)]
    traces.extend(_ema_trace(view, x, period, offered) for period in drawable_emas(view, shown))
    intraday = view.timeframe.seconds < 86400
    layout = _layout(title, notices, "%Y-%m-%d %H:%M UTC" if intraday else "%Y-%m-%d")
    if ui_revision is not None:
        layout["uirevision"] = ui_revision
    return go.Figure(data=traces, layout=layout)


def drawable_emas(view: OhlcvView, periods: Sequence[int]) -> list[int]:
    """The periods among ``periods`` the view has an EMA column for (others draw nothing)."""
    return [p for p in periods if ema_column(p) in view.frame.columns]


def ema_trace(view: OhlcvView, period: int, *, offered_emas: Sequence[int]) -> go.Scatter:
    """One EMA line exactly as :func:`build_plotly_figure` draws it for the same (fitted) view,
    so a front end can add a line to a figure it already shows (Dash patches)."""
    x = view.frame["time"].dt.tz_convert(None).to_numpy()
    return _ema_trace(view, x, period, list(dict.fromkeys(offered_emas)))


def _ema_trace(view: OhlcvView, x: np.ndarray, period: int, offered: list[int]) -> go.Scatter:
    return go.Scatter(
        x=x,
        y=np.ascontiguousarray(view.frame[ema_column(period)].to_numpy(dtype=np.float64)),
        name=ema_trace_name(period),
        mode="lines",
        line={"color": theme.ema_color(period, offered), "width": 1.5},
        hovertemplate="%{y:,.4~f}",
        connectgaps=False,
        yaxis="y",
    )


def _layout(title: str | None, notices: list[str], time_format: str) -> dict:
    axis = {
        "gridcolor": theme.GRID,
        "linecolor": theme.BORDER,
        "zeroline": False,
        "automargin": True,  # room for the price labels on the right
        "showspikes": True,
        "spikecolor": theme.BORDER,
        "spikethickness": 1,
        "spikedash": "dot",
        "spikemode": "across",
    }
    layout: dict = {
        "template": "none",  # our colours only; no template work per figure
        "paper_bgcolor": theme.BACKGROUND,
        "plot_bgcolor": theme.BACKGROUND,
        "font": {"family": theme.FONT_FAMILY, "color": theme.TEXT, "size": 12},
        "hovermode": "x unified",
        "hoverlabel": {"bgcolor": theme.PANEL, "bordercolor": theme.BORDER},
        "dragmode": "pan",
        "showlegend": True,
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "bottom",
            "bgcolor": "rgba(0,0,0,0)",
        },
        "margin": {"l": 10, "r": 10, "t": 80 if title or notices else 40, "b": 30},
        "xaxis": {
            **axis,
            "type": "date",
            "anchor": "y2",
            "hoverformat": time_format,
            "rangeslider": {"visible": False},
        },
        "yaxis": {**axis, "domain": PRICE_DOMAIN, "side": "right", "fixedrange": False},
        "yaxis2": {**axis, "domain": VOLUME_DOMAIN, "side": "right", "showspikes": False},
        "bargap": 0.1,
        "annotations": [
            {
                "text": VOLUME_TRACE,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": VOLUME_DOMAIN[1],
                "xanchor": "left",
                "yanchor": "top",
                "showarrow": False,
                "font": {"color": theme.MUTED_TEXT, "size": 11},
            }
        ],
    }
    if title or notices:
        layout["title"] = {
            "text": title or "",
            "x": 0,
            "xanchor": "left",
            "font": {"size": 16},
            "subtitle": {"text": " · ".join(notices), "font": {"size": 12}},
        }
    return layout
