"""Analysis drawn on a Plotly figure: support/resistance lines and volume-spike markers.

Works on any figure with a candlestick trace (and, for spikes, a volume bar trace), whichever
axes they sit on: the figure of ``build_plotly_figure`` as Streamlit, Dash and the report use it.
Levels and spikes may be the core's dataclasses or their JSON dicts from ``/api/analysis``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, is_dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from app.charts import theme
from app.charts.plotly_time import positions_of

LEVEL_SHAPE_NAME = "level"  # every level line's shape ``name``, its label's ``name`` too
SPIKES_TRACE = "Volume spikes"
SUPPORT_COLOR = theme.UP
RESISTANCE_COLOR = theme.DOWN
SPIKE_COLOR = "#ffeb3b"


def _as_dict(item: Any) -> Mapping[str, Any]:
    if is_dataclass(item) and not isinstance(item, type):
        return asdict(item)
    return item


def _axes_of(fig: go.Figure, wanted: type) -> tuple[str, str] | None:
    """The (x, y) axis names ("x", "y2") of the first trace of type ``wanted``."""
    for trace in fig.data:
        if isinstance(trace, wanted):
            return trace.xaxis or "x", trace.yaxis or "y"
    return None


def _volume_axes(fig: go.Figure) -> tuple[str, str] | None:
    for trace in fig.data:
        if isinstance(trace, go.Bar) and (trace.name or "").lower() == "volume":
            return trace.xaxis or "x", trace.yaxis or "y"
    return _axes_of(fig, go.Bar)


def level_label(level: Mapping[str, Any]) -> str:
    """``"R 110.00 ×8"``: S or R, the price, the touch count.

    >>> level_label({"price": 110.0, "kind": "resistance", "touches": 8})
    'R 110.00 ×8'
    """
    price = float(level["price"])
    decimals = 2 if abs(price) >= 1 else 6
    side = "S" if level["kind"] == "support" else "R"
    return f"{side} {price:,.{decimals}f} ×{int(level['touches'])}"


def add_levels(fig: go.Figure, levels: Sequence[Any]) -> go.Figure:
    """One dashed horizontal line per level across the price pane, green for support and red for
    resistance, more opaque the stronger, labelled with its touch count at the right edge."""
    axes = _axes_of(fig, go.Candlestick) or _axes_of(fig, go.Ohlc)
    if axes is None:
        raise ValueError("the figure has no candlestick trace to draw levels on")
    xaxis, yaxis = axes
    for item in levels:
        level = _as_dict(item)
        color = SUPPORT_COLOR if level["kind"] == "support" else RESISTANCE_COLOR
        price = float(level["price"])
        opacity = 0.45 + 0.55 * float(level.get("strength", 1.0))
        fig.add_shape(
            type="line",
            name=LEVEL_SHAPE_NAME,
            xref=f"{xaxis} domain",
            x0=0,
            x1=1,
            yref=yaxis,
            y0=price,
            y1=price,
            line={"color": color, "width": 1, "dash": "dash"},
            opacity=opacity,
            layer="above",
        )
        fig.add_annotation(
            name=LEVEL_SHAPE_NAME,
            xref=f"{xaxis} domain",
            x=1,
            xanchor="right",
            yref=yaxis,
            y=price,
            yanchor="bottom",
            text=level_label(level),
            showarrow=False,
            font={"color": color, "size": 10},
        )
    return fig


def add_volume_spikes(fig: go.Figure, spikes: Sequence[Any]) -> go.Figure:
    """A marker on top of each spike's volume bar (trace "Volume spikes"), its z-score and
    confidence on hover."""
    axes = _volume_axes(fig)
    if axes is None:
        raise ValueError("the figure has no volume bars to mark spikes on")
    xaxis, yaxis = axes
    rows = [_as_dict(item) for item in spikes]
    times = np.array([int(row["time"]) for row in rows], dtype="datetime64[s]").astype(
        "datetime64[ns]"
    )  # UTC wall times, as the figure's bars
    y = np.array([float(row["volume"]) for row in rows], dtype=np.float64)
    bar_times = getattr(fig, "_bar_times", None)
    if bar_times is not None:  # bars at their positions (build_plotly_figure): find each spike's
        x = positions_of(bar_times, fig._bar_positions, times)
        drawn = x >= 0
        rows = [row for row, keep in zip(rows, drawn, strict=True) if keep]
        x, y = x[drawn], y[drawn]
    else:
        x = times
    text = [
        f"z {row['zscore']:.1f}" if row.get("zscore") is not None else "z ∞ (flat window)"
        for row in rows
    ]
    confidence = [float(row.get("confidence", 1.0)) for row in rows]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=y,
            name=SPIKES_TRACE,
            mode="markers",
            marker={"symbol": "triangle-down", "size": 9, "color": SPIKE_COLOR},
            text=text,
            customdata=confidence,
            hovertemplate="spike %{y:,.4~f}<br>%{text}, confidence %{customdata:.2f}"
            "<extra></extra>",
            xaxis=xaxis,
            yaxis=yaxis,
            showlegend=False,
        )
    )
    return fig
