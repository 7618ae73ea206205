"""Live updates: on each ``dcc.Interval`` tick, the bars that changed since the figure was drawn
go to the page as a ``Patch`` of the traces' arrays (the forming bar replaced, new bars
appended), never as a whole figure, so the user's zoom and every other trace stay as they are.

Plotly sends numpy arrays as base64 typed arrays, which a Patch cannot extend in the browser. So
the first change after a full draw assigns each patched array once as a plain list (the window
drawn, then nothing but the changed bars in later ticks); the drawn store records that
(``Held.lists``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from dash import Patch

from app.core import OhlcvView
from app.dash_app.window import Held, bar_values

# Trace attributes with one value per bar, as paths into the trace.
BAR_ARRAYS = (
    ("x",),
    ("customdata",),  # the candles' hover dates
    ("open",),
    ("high",),
    ("low",),
    ("close",),
    ("y",),
    ("marker", "color"),
)


def changed_bars(view: OhlcvView, held: Held) -> tuple[int, bool] | None:
    """For ``view`` (the bars from the last one drawn onwards): (new bars, forming bar changed),
    or None when the data no longer continues what is drawn (rewritten: redraw it all)."""
    if view.frame.empty:
        return None
    first = view.frame["time"].iloc[0].tz_convert("UTC").tz_localize(None).isoformat()
    if first != held.last:
        return None
    return len(view.frame) - 1, bar_values(view, 0) != tuple(held.tail)


def bar_arrays(figure: go.Figure, traces: int) -> list[dict[tuple[str, ...], list]]:
    """Per trace (the first ``traces``), its per-bar arrays as plain JSON lists."""
    found = []
    for trace in figure.data[:traces]:
        arrays: dict[tuple[str, ...], list] = {}
        plain = trace.to_plotly_json()
        for path in BAR_ARRAYS:
            value: Any = plain
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if isinstance(value, (np.ndarray, list, tuple)) and not isinstance(value, str):
                arrays[path] = _json_list(value)
        found.append(arrays)
    return found


def assign_arrays(patch: Patch, arrays: list[dict[tuple[str, ...], list]]) -> None:
    """Each trace's arrays set whole, as lists (the first live change after a full draw)."""
    for index, trace in enumerate(arrays):
        for path, values in trace.items():
            _at(patch["data"][index], path)[path[-1]] = values


def extend_arrays(patch: Patch, arrays: list[dict[tuple[str, ...], list]], last: int) -> None:
    """The changed bars only: element ``last`` (the forming bar) replaced by each array's first
    value, the rest appended."""
    for index, trace in enumerate(arrays):
        for path, values in trace.items():
            target = _at(patch["data"][index], path)[path[-1]]
            target[last] = values[0]
            if len(values) > 1:
                target.extend(values[1:])


def held_after(held: Held, view: OhlcvView, added: int) -> Held:
    """The drawn store's record once the changed bars are on the page."""
    last = view.frame["time"].iloc[-1].tz_convert("UTC").tz_localize(None).isoformat()
    return dataclasses.replace(
        held, last=last, count=held.count + added, tail=bar_values(view, -1), lists=True
    )


def _at(trace_patch: Patch, path: Sequence[str]) -> Patch:
    """The Patch of the object holding ``path``'s last key."""
    for key in path[:-1]:
        trace_patch = trace_patch[key]
    return trace_patch


def _json_list(values: Any) -> list:
    array = np.asarray(values)
    if array.dtype.kind == "M":  # times: as Plotly writes them
        return [str(t).replace("T", " ") for t in array.astype("datetime64[s]")]
    if array.dtype.kind == "f":
        return [None if v != v else v for v in array.tolist()]
    return array.tolist()
