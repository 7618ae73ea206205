"""Bars held in memory while a stream is live: growable numpy columns, changed at the tail.

``BarBook`` holds a symbol's native bars; ``apply`` takes new bars (same time as the last: the
forming bar replaced; newer: appended) and says from which row the book changed. A
``TimeframeBook`` keeps the same history at a coarser timeframe, re-aggregating only the bins
the change touched with the same numpy reductions as ``resample_ohlcv``, so a live 5m bar built
from 1m bars equals the batch one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.core.frame import canonical_frame_from_ns, epoch_nanoseconds
from app.core.timeframes import Timeframe, bin_starts_ns
from app.core.validation import CheckedBars

FIELDS = ("open", "high", "low", "close", "volume")


class OlderBarError(Exception):
    """A bar older than the book's last one changed: the history needs a full reload."""


class BarBook:
    """Columns ``time`` (int64 ns) and the five prices (float64), with spare capacity at the
    end so appending a bar is amortised O(1). Rows ``[:n]`` are the bars."""

    def __init__(self, times_ns: np.ndarray, columns: dict[str, np.ndarray]) -> None:
        n = len(times_ns)
        capacity = max(16, n + n // 8)
        self.times = np.empty(capacity, dtype=np.int64)
        self.times[:n] = times_ns
        self.columns = {}
        for name in FIELDS:
            column = np.empty(capacity, dtype=np.float64)
            column[:n] = columns[name]
            self.columns[name] = column
        self.n = n

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> BarBook:
        columns = {name: frame[name].to_numpy(dtype=np.float64) for name in FIELDS}
        return cls(epoch_nanoseconds(frame["time"]), columns)

    def __len__(self) -> int:
        return self.n

    @property
    def last_time(self) -> int | None:
        return int(self.times[self.n - 1]) if self.n else None

    def _grow(self, needed: int) -> None:
        capacity = len(self.times)
        if needed <= capacity:
            return
        capacity = max(needed, capacity * 2)
        self.times = np.resize(self.times, capacity)
        for name in FIELDS:
            self.columns[name] = np.resize(self.columns[name], capacity)

    def apply(self, frame: pd.DataFrame | CheckedBars) -> int | None:
        """Merge canonical bars (a frame, or the checked bars a CSV tail reads); the first row
        that changed, or None if nothing did. Bars older than the last one are ignored when
        equal to what the book holds (a tail re-read overlapping), else OlderBarError."""
        if isinstance(frame, CheckedBars):
            times = frame.times_ns
            values = {name: getattr(frame, name) for name in FIELDS}
        else:
            times = epoch_nanoseconds(frame["time"])
            values = {name: frame[name].to_numpy(dtype=np.float64) for name in FIELDS}
        if not len(times):
            return None
        first_changed: int | None = None
        for i, time in enumerate(times.tolist()):
            row = self._row_for(time)
            if row < self.n:  # a bar we hold: unchanged, or the forming bar rewritten
                same = all(self.columns[f][row] == values[f][i] for f in FIELDS)
                if same:
                    continue
                if row < self.n - 1:
                    raise OlderBarError(f"bar at {time} changed behind the last one")
            else:
                self._grow(self.n + 1)
                self.n += 1
            self.times[row] = time
            for name in FIELDS:
                self.columns[name][row] = values[name][i]
            if first_changed is None:
                first_changed = row
        return first_changed

    def _row_for(self, time: int) -> int:
        """The row holding ``time``, or ``n`` for a newer time (OlderBarError for a time that
        falls between held bars)."""
        if self.n == 0 or time > self.times[self.n - 1]:
            return self.n
        row = int(np.searchsorted(self.times[: self.n], time))
        if self.times[row] != time:
            raise OlderBarError(f"new bar at {time} falls inside the history")
        return row

    def frame(self) -> pd.DataFrame:
        """A canonical frame of a copy of the rows (later appends or rewrites do not show)."""
        n = self.n
        return canonical_frame_from_ns(
            self.times[:n].copy(), *(self.columns[f][:n].copy() for f in FIELDS)
        )

    def tail_frame(self, start: int) -> pd.DataFrame:
        """Rows ``start:`` as a canonical frame (copies)."""
        return canonical_frame_from_ns(
            self.times[start : self.n].copy(),
            *(self.columns[f][start : self.n].copy() for f in FIELDS),
        )


class TimeframeBook(BarBook):
    """A native book aggregated to ``timeframe`` (bins UTC-aligned, labelled by their start)."""

    def __init__(self, native: BarBook, timeframe: Timeframe) -> None:
        self.timeframe = timeframe
        super().__init__(np.empty(0, dtype=np.int64), {f: np.empty(0) for f in FIELDS})
        self.rebuild_from(native, 0)

    def rebuild_from(self, native: BarBook, native_row: int) -> int | None:
        """Re-aggregate the bins from the one holding native row ``native_row``; the first of
        our rows that changed."""
        if native.n == 0:
            self.n = 0
            return None
        first_bin = bin_starts_ns(native.times[native_row : native_row + 1], self.timeframe)[0]
        lo = int(np.searchsorted(native.times[: native.n], first_bin, side="left"))
        times = native.times[lo : native.n]
        bins = bin_starts_ns(times, self.timeframe)
        starts = np.flatnonzero(np.diff(bins, prepend=bins[0] - 1))
        ends = np.append(starts[1:], len(bins)) - 1
        c = {name: native.columns[name][lo : native.n] for name in FIELDS}
        new = {
            "open": c["open"][starts],
            "high": np.maximum.reduceat(c["high"], starts),
            "low": np.minimum.reduceat(c["low"], starts),
            "close": c["close"][ends],
            "volume": np.add.reduceat(c["volume"], starts),
        }
        row = int(np.searchsorted(self.times[: self.n], first_bin, side="left"))
        count = len(starts)
        self._grow(row + count)
        self.times[row : row + count] = bins[starts]
        for name in FIELDS:
            self.columns[name][row : row + count] = new[name]
        self.n = row + count
        return row
