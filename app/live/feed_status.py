"""The truth about a feed, for the page's live dot: ``ok``, ``error`` (its last change could not
be read) or ``stale`` (no new bar for a while, or a historical file).

``FeedStatus`` is held by each ``SymbolFeed``; its source sets ``error`` and clears it, and a
timer turns ``ok`` into ``stale`` when the next bar is overdue (bars arrive on no clock of ours,
so the state is worked out from the last bar's age against the feed's bar spacing). Every change
is handed to the listeners (one per client subscription), which send a ``status`` frame.

Bars with old dates that keep arriving (a replay of history being written, a feed running
behind) are moving: the state is ``ok`` with a detail that says the data is old
(``historical data: bars arriving``), worded without the newest date so that each new bar is
not a change of state (it would be a ``status`` frame per bar to every subscriber); the bars
themselves carry their dates. Once no change has come for a while (``arrival_window_s``) the
feed is ``stale`` again, with the newest bar's date.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson

STALE_AFTER_BARS = 3  # no new bar for this many bar spacings: stale
STALE_MIN_S = 15 * 60  # never stale sooner than this (a 1 s feed pausing for a minute is fine)
HISTORICAL_AFTER_S = 30 * 86400  # last bar older than this: a historical file, not a paused one
MAX_DETAIL_CHARS = 300
ARRIVING_MIN_S = 60.0  # bars with old dates count as arriving this long after a change, at least
GAPS_KEPT = 8  # the wall-clock gaps between the last changes that size the window


@dataclass(frozen=True)
class StatusState:
    state: str  # ok | error | stale
    detail: str
    last_bar_time: int | None  # UNIX seconds


def stale_detail(last_bar_time: int | None, spacing_s: float, now: float) -> str | None:
    """Why the data is not moving, or None while it is (the next bar is not overdue)."""
    if last_bar_time is None:
        return "no bars yet"
    age = now - last_bar_time
    # A bar is dated at its start: it is complete one spacing later, the next is due then.
    if age <= max(STALE_AFTER_BARS * spacing_s, STALE_MIN_S) + spacing_s:
        return None
    if age > max(HISTORICAL_AFTER_S, 50 * spacing_s):
        return f"historical file: last bar {bar_date(last_bar_time, spacing_s)}"
    return f"no new bar for {age_words(age)}"


def arriving_detail(last_bar_time: int, spacing_s: float, now: float) -> str:
    """What a feed whose bars are old but still arriving is said to be (no per-bar figure)."""
    if now - last_bar_time > max(HISTORICAL_AFTER_S, 50 * spacing_s):
        return "historical data: bars arriving"
    return "delayed data: bars arriving"


def arrival_window_s(gaps: deque[float]) -> float:
    """How long after its last change a feed of old bars is still called arriving: three of its
    longest recent gaps between changes (as ``STALE_AFTER_BARS`` spacings for a live feed),
    at least a minute, at most ``STALE_MIN_S``."""
    longest = max(gaps, default=0.0)
    return min(float(STALE_MIN_S), max(ARRIVING_MIN_S, STALE_AFTER_BARS * longest))


def bar_date(stamp: int, spacing_s: float) -> str:
    """A bar's date as a person reads it: a day for daily and coarser bars, else to the minute."""
    moment = datetime.fromtimestamp(stamp, UTC)
    return moment.strftime("%Y-%m-%d" if spacing_s >= 86400 else "%Y-%m-%d %H:%M UTC")


def age_words(seconds: float) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{int(seconds)} seconds"


def next_check_s(last_bar_time: int | None, spacing_s: float, now: float) -> float | None:
    """Seconds until ``ok`` would turn ``stale`` with no new bar; None if never sooner."""
    if last_bar_time is None:
        return None
    due = last_bar_time + max(STALE_AFTER_BARS * spacing_s, STALE_MIN_S) + spacing_s
    return max(1.0, due - now + 1.0)


class FeedStatus:
    """One feed's state and the listeners told of each change."""

    def __init__(self) -> None:
        self.error: str | None = None
        self.current = StatusState("ok", "", None)
        self.listeners: set[Callable[[StatusState], None]] = set()
        self._timer: asyncio.TimerHandle | None = None
        self._armed_for: tuple[int | None, float] | str | None = None
        self._seen: tuple[int | None, float] = (None, 0.0)  # the last refresh's bar and spacing
        self.changed_at: float | None = None  # wall clock of the bars' last change
        self._gaps: deque[float] = deque(maxlen=GAPS_KEPT)

    def note_change(self, now: float | None = None) -> None:
        """The bars changed (a new bar, or the forming one rewritten): the feed is moving."""
        now = time.time() if now is None else now
        if self.changed_at is not None:
            self._gaps.append(max(0.0, now - self.changed_at))
        self.changed_at = now

    def arriving(self, now: float) -> bool:
        """Bars changed recently enough to call the feed moving, whatever their dates."""
        changed = self.changed_at
        return changed is not None and now - changed <= arrival_window_s(self._gaps)

    def set_error(self, detail: str) -> None:
        self.error = detail[:MAX_DETAIL_CHARS]

    def clear_error(self) -> None:
        self.error = None

    def refresh(
        self, last_bar_time: int | None, spacing_s: float, now: float | None = None
    ) -> StatusState:
        """Work the state out again; tell the listeners if it changed; re-arm the stale timer."""
        now = time.time() if now is None else now
        self._seen = (last_bar_time, spacing_s)
        if self.error is not None:
            state = StatusState("error", self.error, last_bar_time)
        else:
            why = stale_detail(last_bar_time, spacing_s, now)
            if why is not None and last_bar_time is not None and self.arriving(now):
                state = StatusState(
                    "ok", arriving_detail(last_bar_time, spacing_s, now), last_bar_time
                )
            else:
                state = StatusState("stale" if why else "ok", why or "", last_bar_time)
        self._arm(last_bar_time, spacing_s, now, state)
        if (state.state, state.detail) != (self.current.state, self.current.detail):
            self.current = state
            for listener in list(self.listeners):
                listener(state)
        return state

    def _arm(self, last: int | None, spacing_s: float, now: float, state: StatusState) -> None:
        # ok with a detail: old bars arriving; the timer checks when the window would end and
        # re-arms from the newest change then (not a timer re-made for every bar).
        armed_for = "arriving" if state.detail else (last, spacing_s)
        if state.state == "ok" and self._timer is not None and self._armed_for == armed_for:
            return  # the forming bar changed, or another old bar came: the timer stands
        self._armed_for = armed_for
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if state.state != "ok" or not self.listeners:
            return
        if state.detail and self.changed_at is not None:
            delay: float | None = max(
                1.0, self.changed_at + arrival_window_s(self._gaps) - now + 1.0
            )
        else:
            delay = next_check_s(last, spacing_s, now)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if delay is not None and delay < 7 * 86400:
            self._timer = loop.call_later(delay, self._recheck)

    def _recheck(self) -> None:
        self._timer = None
        self.refresh(*self._seen)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


def status_frame(request_id: str, symbol: str, timeframe: str, state: StatusState) -> bytes:
    """``{"type": "status", "id", "symbol", "timeframe", "state", "detail", "last_bar_time"}``."""
    return orjson.dumps(
        {
            "type": "status",
            "id": request_id,
            "symbol": symbol,
            "timeframe": timeframe,
            "state": state.state,
            "detail": state.detail,
            "last_bar_time": state.last_bar_time,
        }
    )
