"""Catalog indicators as Plotly traces: overlays on the price pane, or a pane of their own.

Colours come from ``theme`` exactly as the page picks them (an instance's colour from its token,
its second output orange or blue, MACD's histogram in the volume colours), so one link shows the
same chart in every front end.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from app.charts import theme
from app.charts.plotly_bars import direction_bars
from app.charts.plotly_layout import pane_axis, pane_legend
from app.charts.precision import price_format
from app.core import IndicatorSpec, OhlcvView

# How values of each indicator read: in price units, as a volume, or as a plain number.
PRICE_UNITS = {"sma", "ema", "wma", "bb", "vwap", "psar", "atr", "macd"}
VOLUME_UNITS = {"obv"}
VOLUME_FORMAT = ".4~s"  # 1.234M
NUMBER_FORMAT = ",.2f"


def value_format(spec: IndicatorSpec, decimals: int) -> str:
    """The d3 format of a spec's values (axis ticks and hover)."""
    if spec.name in PRICE_UNITS:
        return price_format(decimals)
    if spec.name in VOLUME_UNITS:
        return VOLUME_FORMAT
    return NUMBER_FORMAT


def trace_name(spec: IndicatorSpec, index: int) -> str:
    """``RSI 14``; later outputs add their label: ``MACD 12 26 9 Signal``."""
    if index == 0:
        return spec.label
    return f"{spec.label} {spec.definition.plots[index].label}"


def indicator_traces(
    view: OhlcvView,
    x: np.ndarray,
    specs: Sequence[IndicatorSpec],
    *,
    decimals: int,
) -> tuple[list[go.BaseTraceType], list[dict]]:
    """(traces, shapes) for ``specs`` (each already computed in ``view.frame``): price-pane ones
    on ``y``, own-pane ones each on the next pane axis (``y3``, ``y4``...) in order, with their
    level lines as dashed shapes."""
    colors = theme.indicator_colors([spec.token for spec in specs])
    traces: list[go.BaseTraceType] = []
    shapes: list[dict] = []
    pane = 0
    for spec, color in zip(specs, colors, strict=True):
        own = spec.pane == "own"
        axis = pane_axis(pane) if own else "y"
        legend = pane_legend(pane) if own else "legend"
        template = f"%{{y:{value_format(spec, decimals)}}}"
        for index, (column, plot) in enumerate(
            zip(spec.columns, spec.definition.plots, strict=True)
        ):
            values = np.ascontiguousarray(view.frame[column].to_numpy(dtype=np.float64))
            common = {
                "x": x,
                "y": values,
                "name": trace_name(spec, index),
                "yaxis": axis,
                "legend": legend,
                "legendgroup": spec.token,
                "hovertemplate": template,
            }
            if index and not own:
                common["showlegend"] = False  # one legend entry per band set over the price
            traces.append(_trace(plot.style, common, theme.output_color(color, spec.name, index)))
        if own:
            shapes += [_level(level, axis) for level in spec.definition.levels]
            pane += 1
    return traces, shapes


def _trace(style: str, common: dict, color: str) -> go.BaseTraceType:
    if style == "histogram":
        rising = np.nan_to_num(common["y"]) >= 0
        return direction_bars(rising, **common, showlegend=False)  # the line above names it
    if style == "dots":
        return go.Scatter(**common, mode="markers", marker={"color": color, "size": 3})
    return go.Scatter(
        **common, mode="lines", line={"color": color, "width": 1.5}, connectgaps=False
    )


def _level(level: float, axis: str) -> dict:
    return {
        "type": "line",
        "xref": "x domain",
        "x0": 0,
        "x1": 1,
        "yref": axis,
        "y0": level,
        "y1": level,
        "line": {"color": theme.GUIDE, "width": 1, "dash": "dash"},
        "layer": "below",
    }
