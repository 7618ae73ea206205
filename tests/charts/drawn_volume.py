"""The volume bars a figure draws, read back from its two filled "Volume" paths (rising and
falling, ``app.charts.plotly_volume``): what a user sees at the foot of the price pane."""

from __future__ import annotations

import numpy as np

from app.charts.plotly_charts import VOLUME_TRACE


def volume_paths(figure) -> list:
    """The figure's "Volume" traces, rising bars' first."""
    return [t for t in figure.data if t.name == VOLUME_TRACE]


def drawn_rectangles(path) -> dict[float, tuple[float, float]]:
    """{bar centre: (width, height)} of each rectangle one filled path draws (a bar of height 0
    draws none)."""
    shape = (path.type, path.fill, path.line.shape, path.mode)
    assert shape == ("scatter", "tozeroy", "hv", "none")
    xs, ys = np.asarray(path.x, dtype=float), np.asarray(path.y, dtype=float)
    left, right, top, foot = xs[0::2], xs[1::2], ys[0::2], ys[1::2]
    assert (foot == 0).all()  # each step comes back down to the axis before the next bar
    drawn = top > 0
    return {
        round(float(c), 9): (round(float(w), 9), float(h))
        for c, w, h in zip(
            ((left + right) / 2)[drawn], (right - left)[drawn], top[drawn], strict=True
        )
    }
