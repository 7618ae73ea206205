"""Heikin Ashi candles of a live book, kept current a few bars at a time.

Each HA open is the average of the HA open and close before it, so the candles from a changed
bar on follow from the HA bar just before it: a forming bar rewritten in place is recomputed from
the bar before it, never from its own earlier value (which would compound). A whole book is
computed with the core's ``heikin_ashi_arrays``, the function behind ``/api/ohlcv?chart=
heikin_ashi``, and each later bar with the same float64 operations as its recursion (pandas'
``ewm(alpha=0.5, adjust=False)``: ``(0.5 * open + 0.5 * close) / 1.0``), so live candles are bit
for bit the batch ones, and so are the indicators computed on them.
"""

from __future__ import annotations

import numpy as np

from app.core.heikin_ashi import heikin_ashi_arrays
from app.live.bars import FIELDS, BarBook


class HeikinBook(BarBook):
    """The Heikin Ashi candles of a source book (same times and volume), rows ``[:n]``."""

    def __init__(self, source: BarBook) -> None:
        super().__init__(np.empty(0, dtype=np.int64), {f: np.empty(0) for f in FIELDS})
        self.rebuild_from(source, 0)

    def rebuild_from(self, source: BarBook, row: int) -> int:
        """Recompute rows ``row:`` after the source changed from ``row`` on (bars before it
        unchanged); returns ``row``, the first of our rows that changed."""
        n = source.n
        row = min(row, self.n)  # never past what we hold: a gap would leave rows unset
        self._grow(n)
        src = {name: source.columns[name][row:n] for name in FIELDS}
        if row == 0:
            ha_open, ha_high, ha_low, ha_close = heikin_ashi_arrays(
                *(np.ascontiguousarray(src[f]) for f in ("open", "high", "low", "close"))
            )
        else:
            ha_close = (src["open"] + src["high"] + src["low"] + src["close"]) / 4.0
            ha_open = np.empty(n - row, dtype=np.float64)
            prev_open = float(self.columns["open"][row - 1])
            prev_close = float(self.columns["close"][row - 1])
            for i, close in enumerate(ha_close.tolist()):
                prev_open = (0.5 * prev_open + 0.5 * prev_close) / 1.0
                ha_open[i] = prev_open
                prev_close = close
            ha_high = np.maximum(src["high"], np.maximum(ha_open, ha_close))
            ha_low = np.minimum(src["low"], np.minimum(ha_open, ha_close))
        self.times[row:n] = source.times[row:n]
        self.columns["open"][row:n] = ha_open
        self.columns["high"][row:n] = ha_high
        self.columns["low"][row:n] = ha_low
        self.columns["close"][row:n] = ha_close
        self.columns["volume"][row:n] = src["volume"]
        self.n = n
        return row
