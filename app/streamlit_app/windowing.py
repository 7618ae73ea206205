"""Which bars the chart draws: always the chosen timeframe's own bars, a window of them.

A figure holds at most an engine's window (2,000 Plotly bars); a longer history is paged through,
never silently drawn coarser. The window is the newest bars, or the bars the user paged to with
"Older" / "Newer" (an :class:`Anchor`). Coarser bars are drawn only when the user picks
:data:`AUTO`, which says what it drew. Windows are cut by the core (``limit``/``start``/``end``
of ``get_ohlcv``/``build_view``), which computes indicators over the whole history first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from app.core import DataError, OhlcvView, coarsest_needed
from app.core.time_bounds import EARLIEST_NS

AUTO = "auto"
AUTO_LABEL = "Auto (whole history)"
_EARLIEST = pd.Timestamp(EARLIEST_NS, tz="UTC")

# (timeframe=, start=, end=, limit=) -> OhlcvView: get_ohlcv or build_view with the rest bound.
Fetch = Callable[..., OhlcvView]


@dataclass(frozen=True)
class Anchor:
    """Where the window is: ending at ``end_ns`` (older pages), starting at ``start_ns`` (newer
    pages, the first bars from it), or the newest bars when both are None."""

    start_ns: int | None = None
    end_ns: int | None = None

    @property
    def newest(self) -> bool:
        return self.start_ns is None and self.end_ns is None


NEWEST = Anchor()
OLDEST = Anchor(start_ns=EARLIEST_NS)


def _stamp(ns: int | None) -> pd.Timestamp | None:
    return None if ns is None else pd.Timestamp(ns, tz="UTC")


def load_window(fetch: Fetch, timeframe: str, anchor: Anchor, bars: int) -> OhlcvView:
    """``bars`` bars of ``timeframe`` at ``anchor``. A page forward that reaches the newest bar
    is the newest window (full, not a short tail)."""
    view = fetch(
        timeframe=timeframe, start=_stamp(anchor.start_ns), end=_stamp(anchor.end_ns), limit=bars
    )
    if anchor.start_ns is not None and reaches_newest(view) and len(view.frame) < bars:
        view = fetch(timeframe=timeframe, limit=bars)
    if view.frame.empty:
        if anchor.newest:
            raise DataError(f"{view.symbol!r} has no bars at {view.timeframe.name}.")
        raise DataError(f"{view.symbol!r} has no bars there at {view.timeframe.name}.")
    return view


def reaches_newest(view: OhlcvView) -> bool:
    return view.first_index + len(view.frame) >= view.total_bars


def older_anchor(view: OhlcvView, bars: int) -> Anchor:
    """The page before ``view``: the ``bars`` bars up to its first one (or the oldest ones)."""
    if view.first_index <= bars:
        return OLDEST
    return Anchor(end_ns=int(view.frame["time"].iloc[0].value) - 1)


def newer_anchor(view: OhlcvView, bars: int) -> Anchor:
    """The page after ``view``: the ``bars`` bars from its last one on (or the newest ones)."""
    if view.first_index + len(view.frame) + bars >= view.total_bars:
        return NEWEST
    return Anchor(start_ns=int(view.frame["time"].iloc[-1].value) + 1)


def resolve_auto(fetch: Fetch, bars: int) -> tuple[str, str]:
    """The finest timeframe that shows the whole history in at most ``bars`` bars, and the
    notice that says so (Auto is the one place the dashboard draws coarser than the data)."""
    native = fetch(timeframe=None, limit=1)
    tf = native.timeframe
    total = native.total_bars
    if total <= bars:
        return tf.name, f"Auto: all {total:,} bars at the data's own {tf.name} timeframe."
    first = fetch(timeframe=None, start=_EARLIEST, limit=1).frame["time"].iloc[0]
    last = native.frame["time"].iloc[-1]
    target = coarsest_needed(tf, (last - first).total_seconds(), bars)
    notice = (
        f"Auto: drawn at {target.name}, the finest timeframe that shows the whole history "
        f"({total:,} {tf.name} bars) in one chart of at most {bars:,} bars. "
        f"Pick {tf.name} to see every {tf.name} bar."
    )
    return target.name, notice
