"""Analysis drawn on a Plotly figure: support/resistance lines and volume-spike markers.

Works on any figure with a candlestick trace (and, for spikes, a volume trace), whichever
axes they sit on: the figure of ``build_plotly_figure`` as Streamlit, Dash and the report use it.
Levels and spikes may be the core's dataclasses or their JSON dicts from ``/api/analysis``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, is_dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from app.charts import theme
from app.charts.plotly_time import positions_of
from app.core.precision import price_text

LEVEL_SHAPE_NAME = "level"  # every level line's shape ``name``, its label's ``name`` too
SPIKES_TRACE = "Volume spikes"
SUPPORT_COLOR = theme.UP
RESISTANCE_COLOR = theme.DOWN
SPIKE_COLOR = "#ffeb3b"
# Labels closer than this share of the candles' high-low span would overlap (a 10 px label in a
# ~300 px price pane): they are merged into one.
LABEL_GAP = 0.04


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
    """The axes of the trace named "Volume" (``build_plotly_figure``'s filled paths), else of the
    first bar trace (another figure's volume bars)."""
    for trace in fig.data:
        if (trace.name or "").lower() == "volume":
            return trace.xaxis or "x", trace.yaxis or "y"
    return _axes_of(fig, go.Bar)


def level_label(level: Mapping[str, Any], decimals: int | None = None) -> str:
    """``"R 110.00 ×8"``: S or R, the price at the symbol's ``decimals``, the touch count.

    >>> level_label({"price": 1.229141, "kind": "resistance", "touches": 8}, 5)
    'R 1.22914 ×8'
    """
    side = "S" if level["kind"] == "support" else "R"
    return f"{side} {price_text(float(level['price']), decimals)} ×{int(level['touches'])}"


def figure_price_decimals(fig: go.Figure) -> int | None:
    """The decimals the figure's price axis is written in (``build_plotly_figure`` sets them
    from the data); None when it has no such format."""
    found = re.fullmatch(r",?\.(\d+)f", fig.layout.yaxis.hoverformat or "")
    return int(found.group(1)) if found else None


def _price_span(fig: go.Figure) -> float:
    """High minus low of the figure's candles (0 when it has none)."""
    for trace in fig.data:
        if isinstance(trace, go.Candlestick | go.Ohlc) and trace.high is not None:
            high = np.asarray(trace.high, dtype=np.float64)
            low = np.asarray(trace.low, dtype=np.float64)
            if high.size:
                return float(np.nanmax(high) - np.nanmin(low))
    return 0.0


def label_groups(
    levels: Sequence[Mapping[str, Any]], min_gap: float
) -> list[list[Mapping[str, Any]]]:
    """Levels whose labels would overlap (closer than ``min_gap`` in price) in one group each,
    by price; a group gets one label, so no two labels cover each other.

    >>> [len(g) for g in label_groups([{"price": 1.0}, {"price": 1.01}, {"price": 2.0}], 0.1)]
    [2, 1]
    """
    groups: list[list[Mapping[str, Any]]] = []
    for level in sorted(levels, key=lambda lv: float(lv["price"])):
        if groups and float(level["price"]) - float(groups[-1][-1]["price"]) < min_gap:
            groups[-1].append(level)
        else:
            groups.append([level])
    return groups


def add_levels(fig: go.Figure, levels: Sequence[Any], decimals: int | None = None) -> go.Figure:
    """One dashed horizontal line per level across the price pane, green for support and red for
    resistance, more opaque the stronger, labelled at the right edge with its price (at the
    symbol's ``decimals``, by default the figure's price axis') and touch count. Levels whose
    labels would overlap share one: the strongest's, with "+N near"."""
    axes = _axes_of(fig, go.Candlestick) or _axes_of(fig, go.Ohlc)
    if axes is None:
        raise ValueError("the figure has no candlestick trace to draw levels on")
    xaxis, yaxis = axes
    if decimals is None:
        decimals = figure_price_decimals(fig)
    rows = [_as_dict(item) for item in levels]
    for level in rows:
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
    for group in label_groups(rows, _price_span(fig) * LABEL_GAP):
        level = max(group, key=lambda lv: float(lv.get("strength", 1.0)))
        color = SUPPORT_COLOR if level["kind"] == "support" else RESISTANCE_COLOR
        text = level_label(level, decimals)
        if len(group) > 1:
            text += f" (+{len(group) - 1} near)"
        fig.add_annotation(
            name=LEVEL_SHAPE_NAME,
            xref=f"{xaxis} domain",
            x=1,
            xanchor="right",
            yref=yaxis,
            y=float(level["price"]),
            yanchor="bottom",
            text=text,
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
