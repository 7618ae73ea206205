"""Bars coloured by direction (a MACD histogram): one colour string per bar. (The volume is
drawn as two filled paths instead: ``plotly_volume``.)

Not a 0/1 array through a two-colour ``colorscale``: plotly.js draws those with one console
warning per bar ("Invalid color specifier", seconds for 2,000 bars). And not through plotly.py's
validation either: checking 3,000 colour strings costs ~0.3 s, more than the rest of a figure.
So the bar trace is made without its colours and they are set on the finished figure as they
are (:func:`colour_bars`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from app.charts import theme

_COLOURS = "_direction_colours"  # where a bar trace waits for its colours until colour_bars


def direction_colours(rising: np.ndarray) -> list[str]:
    """Each bar's colour: the volume's up colour where ``rising``, its down colour elsewhere."""
    return np.where(rising, theme.UP_VOLUME, theme.DOWN_VOLUME).tolist()


def direction_bars(rising: np.ndarray, **attributes) -> go.Bar:
    """A bar trace to be coloured by direction once it is in a figure (:func:`colour_bars`)."""
    trace = go.Bar(**attributes, marker={"line": {"width": 0}})
    setattr(trace, _COLOURS, direction_colours(rising))
    return trace


def colour_bars(figure: go.Figure, traces: Sequence[go.BaseTraceType]) -> None:
    """Give each of ``figure.data`` made from a :func:`direction_bars` trace (``traces``, in the
    same order) its colours, unchecked."""
    for index, made in enumerate(traces):
        colours = getattr(made, _COLOURS, None)
        if colours is None:
            continue
        bar = figure.data[index]
        bar._validate = False
        try:
            bar["marker"] = {"color": colours, "line": {"width": 0}}
        finally:
            bar._validate = True
