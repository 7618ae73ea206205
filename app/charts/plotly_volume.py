"""Volume at the foot of the price pane as two filled paths, rising bars' and falling bars'.

plotly.js draws a bar trace as one SVG path per bar: 2,000 volume bars were ~60% of every draw
of a figure (``Plotly.newPlot`` and each ``Plotly.react``). So each direction's bars are one
scatter trace whose line steps (``shape="hv"``) through two points per bar, (x - half width,
volume) then (x + half width, 0), filled down to zero: one path of rectangles, the bar trace's
exactly (same x, width, height and colour). The other direction's bars are zero high in it, so
both traces hold every bar at the same place (``POINTS_PER_BAR`` array entries from the bar's
index on): a live update replaces or appends them as it does one value of any other trace.

The paths have no hover of their own; the candle's hover row carries the bar's volume
(:func:`volume_hover_text`, the ``%{y:.4~s}`` the volume bars showed).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import plotly.graph_objects as go

from app.charts import theme
from app.charts.plotly_layout import VOLUME_TRACE

BAR_HALF_WIDTH = 0.45  # the bar trace's width at bargap 0.1 on bars one apart
POINTS_PER_BAR = 2

# d3's SI prefixes, by thousands' exponent from -8 (1e-24) to 8 (1e24)
_PREFIXES = ("y", "z", "a", "f", "p", "n", "µ", "m", "", "k", "M", "G", "T", "P", "E", "Z", "Y")


def step_outline(
    x: np.ndarray, heights: np.ndarray, half_width: float = BAR_HALF_WIDTH
) -> tuple[np.ndarray, np.ndarray]:
    """(xs, ys) of a ``shape="hv"`` line whose area down to zero is one rectangle per bar:
    ``x ± half_width`` wide, ``heights`` high (NaN as 0)."""
    centres = np.asarray(x, dtype=np.float64)
    xs = np.empty(centres.size * POINTS_PER_BAR, dtype=np.float64)
    xs[0::2] = centres - half_width
    xs[1::2] = centres + half_width
    ys = np.zeros_like(xs)
    ys[0::2] = np.nan_to_num(np.asarray(heights, dtype=np.float64))
    return xs, ys


def volume_fills(x: np.ndarray, volume: np.ndarray, rising: np.ndarray) -> list[go.Scatter]:
    """The rising bars' path then the falling bars' (both named ``VOLUME_TRACE``, on ``y2``)."""
    traces = []
    for chosen, colour in ((rising, theme.UP_VOLUME), (~rising, theme.DOWN_VOLUME)):
        xs, ys = step_outline(x, np.where(chosen, volume, 0.0))
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                name=VOLUME_TRACE,
                mode="none",
                fill="tozeroy",
                fillcolor=colour,
                line={"shape": "hv", "width": 0, "simplify": False},
                hoverinfo="skip",  # the candle's hover row shows the volume
                showlegend=False,  # the pane is labelled instead (figure_layout)
                yaxis="y2",
            )
        )
    return traces


def volume_hover_text(volume: np.ndarray) -> list[str]:
    """Each bar's volume as d3's ``.4~s`` writes it (what the bar trace's hover showed):
    4 significant digits, an SI prefix, no trailing zeros. ``1234567`` -> ``1.235M``."""
    return [si_text(value) for value in np.asarray(volume, dtype=np.float64).tolist()]


def si_text(value: float) -> str:
    """One value in d3's ``.4~s`` (rounded half up, as JavaScript's ``toExponential``).

    >>> [si_text(v) for v in (0, 12345, 999.96, 1500, 0.5, 2e9)]
    ['0', '12.35k', '1k', '1.5k', '500m', '2G']
    """
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    if value == 0:
        return "0"
    size = abs(value)
    if f"{size:.8e}"[5:10] == "50000":  # maybe halfway: Python's format would round to even
        digits, exponent = _half_up(size)
    else:
        mantissa, power = f"{size:.3e}".split("e")
        digits, exponent = mantissa.replace(".", ""), int(power)
    group = max(-8, min(8, exponent // 3))
    whole = exponent - 3 * group + 1  # digits before the point (1 to 3 but at the clamps)
    if whole >= len(digits):
        text = digits + "0" * (whole - len(digits))
    elif whole > 0:
        text = (digits[:whole] + "." + digits[whole:]).rstrip("0").rstrip(".")
    else:  # under 1e-24
        text = ("0." + "0" * -whole + digits).rstrip("0")
    return ("-" if value < 0 else "") + text + _PREFIXES[group + 8]


def _half_up(size: float) -> tuple[str, int]:
    """(4 significant digits, decimal exponent) of ``size`` rounded half up, exactly."""
    exact = Decimal(size)
    exponent = exact.adjusted()
    rounded = exact.quantize(Decimal(1).scaleb(exponent - 3), rounding=ROUND_HALF_UP)
    if rounded.adjusted() > exponent:  # 9999.5 -> 1.000e4
        exponent += 1
        rounded = exact.quantize(Decimal(1).scaleb(exponent - 3), rounding=ROUND_HALF_UP)
    return "".join(map(str, rounded.as_tuple().digits)), exponent
