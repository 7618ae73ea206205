"""Which bars a figure holds: a window of the selected timeframe, moved by panning and zooming.

A figure carries at most ``WINDOW_BARS`` bars (Plotly candlesticks grow sluggish past a few
thousand), always of the timeframe the user picked. The newest window is drawn first; when the
user pans or zooms past an edge of the bars held (Dash's ``relayoutData``, in bar positions:
``app.charts.plotly_time``), the neighbouring window is loaded around what they look at, as the
FastAPI page pages on scroll.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from app.core import OhlcvView

WINDOW_BARS = 2000
# A new window reaches this many bars past the visible edge the user crossed, so a further
# small pan does not load again at once.
MARGIN_BARS = WINDOW_BARS // 4
# Live updates append to the newest window up to this many bars, then it is drawn anew.
LIVE_MAX_BARS = WINDOW_BARS + WINDOW_BARS // 2


@dataclass(frozen=True)
class Window:
    """The request behind a window: ``end`` (the last bars up to it) or ``start`` (the first
    bars from it), ISO times in UTC; neither for the newest bars."""

    start: str | None = None
    end: str | None = None
    bars: int = WINDOW_BARS  # at most; live updates grow a window up to LIVE_MAX_BARS

    def to_store(self) -> dict:
        return asdict(self)

    @classmethod
    def from_store(cls, data: Any) -> Window:
        """A stored window; the newest for anything malformed (the store is client data)."""
        if not isinstance(data, dict):
            return cls()
        start, end, bars = data.get("start"), data.get("end"), data.get("bars", WINDOW_BARS)
        if start is not None and not isinstance(start, str):
            return cls()
        if end is not None and not isinstance(end, str):
            return cls()
        if not isinstance(bars, int) or not 1 <= bars <= LIVE_MAX_BARS:
            return cls()
        return cls(start=start, end=end, bars=bars)

    def bounds(self) -> dict[str, pd.Timestamp | None]:
        """``start``/``end`` keyword arguments for the core's windowing."""
        return {"start": _timestamp(self.start), "end": _timestamp(self.end)}


@dataclass(frozen=True)
class Held:
    """What the figure on the page holds: its first and last bar and whether there is more."""

    first: str
    last: str
    more_before: bool
    more_after: bool
    seconds: int  # the timeframe's length, to place a new window's margin
    count: int = 0  # bars held
    tail: tuple[float | None, ...] = ()  # the last bar's open, high, low, close, volume
    lists: bool = False  # the figure's arrays are plain lists (live updates can extend them)
    position: int = 0  # the first bar's x (its index in the timeframe's history: plotly_time)

    @classmethod
    def of(cls, view: OhlcvView, *, lists: bool = False) -> Held:
        times = view.frame["time"]
        return cls(
            first=_iso(times.iloc[0]),
            last=_iso(times.iloc[-1]),
            more_before=view.first_index > 0,
            more_after=view.first_index + len(view.frame) < view.total_bars,
            seconds=view.timeframe.seconds,
            count=len(view.frame),
            tail=bar_values(view, -1),
            lists=lists,
            position=view.first_index,
        )

    @property
    def last_position(self) -> int:
        return self.position + max(self.count, 1) - 1

    def to_store(self) -> dict:
        return asdict(self)

    @classmethod
    def from_store(cls, data: Any) -> Held | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                first=str(data["first"]),
                last=str(data["last"]),
                more_before=bool(data["more_before"]),
                more_after=bool(data["more_after"]),
                seconds=int(data["seconds"]),
                count=int(data.get("count", 0)),
                tail=tuple(None if v is None else float(v) for v in data.get("tail", ())),
                lists=bool(data.get("lists", False)),
                position=int(data.get("position", 0)),
            )
        except (KeyError, TypeError, ValueError):
            return None


def bar_values(view: OhlcvView, row: int) -> tuple[float | None, ...]:
    """One bar's open, high, low, close and volume (to tell whether the forming bar changed);
    None for a missing value (JSON has no NaN)."""
    bar = view.frame.iloc[row]
    values = (float(bar[c]) for c in ("open", "high", "low", "close", "volume"))
    return tuple(v if v == v else None for v in values)


def visible_range(relayout: Any) -> tuple[float, float] | None:
    """The bar positions (x) a pan or zoom left on screen, from ``relayoutData``; None when the
    event did not set one (autosize, autorange, a y-only change) or is not a range we
    understand."""
    if not isinstance(relayout, dict):
        return None
    low = relayout.get("xaxis.range[0]")
    high = relayout.get("xaxis.range[1]")
    pair = relayout.get("xaxis.range")
    if (low is None or high is None) and isinstance(pair, list) and len(pair) == 2:
        low, high = pair
    a, b = _position(low), _position(high)
    if a is None or b is None:
        return None
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True)
class PageTo:
    """The bar (by position) a new window ends at (``older``) or starts from."""

    position: int
    older: bool


def next_page(relayout: Any, held: Held | None) -> PageTo | None:
    """Where to load after a pan or zoom past one edge of the bars held: up to the bars in view
    and ``MARGIN_BARS`` beyond them. None when the bars held cover the view, when nothing lies
    beyond the edge crossed, or when the view is wider than the bars held on both sides (no
    window of ``WINDOW_BARS`` would show more of it; the summary says how to see more)."""
    shown = visible_range(relayout)
    if shown is None or held is None or held.count < 1:
        return None
    a, b = shown
    first, last = held.position, held.last_position
    if a < first and b > last:
        return None
    if a < first and held.more_before:
        return PageTo(min(max(math.floor(b) + MARGIN_BARS, first), last), older=True)
    if b > last and held.more_after:
        return PageTo(min(max(math.ceil(a) - MARGIN_BARS, first), last), older=False)
    return None


def page_window(page: PageTo, times: pd.Series, first_position: int) -> Window:
    """The window ``page`` asks for, its bar found among ``times`` (the bars held, the first at
    ``first_position``)."""
    row = min(max(page.position - first_position, 0), len(times) - 1)
    stamp = _iso(times.iloc[row])
    return Window(end=stamp) if page.older else Window(start=stamp)


def _position(value: Any) -> float | None:
    """A Plotly linear-axis value -> a finite float; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _timestamp(value: Any) -> pd.Timestamp | None:
    """A Plotly date-axis value (UTC wall time, ``2024-01-03 12:00:00.5``) or our ISO text ->
    a UTC Timestamp; None for anything else."""
    if not isinstance(value, str) or not 0 < len(value) <= 40:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return None
    if stamp is pd.NaT:
        return None
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _iso(stamp: pd.Timestamp) -> str:
    return stamp.tz_convert("UTC").tz_localize(None).isoformat()
