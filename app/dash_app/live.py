"""Live updates: on each ``dcc.Interval`` tick, the bars that changed since the figure was drawn
go to the page as a ``Patch`` of the traces' arrays (the forming bar replaced, new bars
appended), never as a whole figure, so the user's zoom and every other trace stay as they are.
A trace may hold several entries per bar (the volume's paths: ``app.charts.plotly_volume``);
its arrays are patched a bar's entries at a time.

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
    ("text",),  # the candles' hover volumes
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


def extend_arrays(
    patch: Patch, arrays: list[dict[tuple[str, ...], list]], last: int, bars: int
) -> None:
    """The changed bars only (``bars`` of them, the forming bar first): bar ``last``'s entries
    (the forming bar's) replaced by each array's first ones, the rest appended. An array of
    k entries a bar (``len(values) == k * bars``) has bar ``last``'s at ``k * last`` on."""
    for index, trace in enumerate(arrays):
        for path, values in trace.items():
            per_bar = max(len(values) // bars, 1)
            target = _at(patch["data"][index], path)[path[-1]]
            for offset in range(per_bar):
                target[per_bar * last + offset] = values[offset]
            if len(values) > per_bar:
                target.extend(values[per_bar:])


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
