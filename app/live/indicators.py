"""Indicator values for the bars that changed, equal to the batch values ``/api/ohlcv`` gives.

EMAs are carried forward exactly: the batch EMA (TA-Lib, seeded by the SMA of the first
``period`` closes) is computed once over the whole history, then each changed bar continues
TA-Lib's own recursion ``ema = (close - prev) * k + prev`` from the previous bar's value, in the
same float64 operations, so a live value is bit for bit the batch one.

Catalog indicators (the catalog's own ``indicator_columns``, the function the batch path
calls) are recomputed over a bounded tail window: the whole history while it is shorter than
the window (exact), else the last ``tail_bars(specs)`` bars, long enough for the exponential
ones (RSI, ATR, MACD...) to have forgotten their seed to float precision. OBV (a running total)
and VWAP (restarting each session) are recomputed over the whole history: a window would shift
them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import talib

from app.core.indicators import ema_column
from app.live.bars import BarBook

TAIL_MIN_BARS = 2_000
TAIL_BARS_PER_PERIOD = 60  # (1 - 1/14) ** (60 * 14) ~ 1e-27: Wilder's seed long forgotten
WHOLE_HISTORY = frozenset({"obv", "vwap"})


def tail_bars(specs: Sequence[object]) -> int:
    """Bars of history recomputed for catalog indicators on each change."""
    longest = 0
    for spec in specs:
        for value in getattr(spec, "params", ()):
            if isinstance(value, int | float):
                longest = max(longest, int(value))
    return max(TAIL_MIN_BARS, TAIL_BARS_PER_PERIOD * longest)


class LiveIndicators:
    """The indicator columns of one channel (EMA periods + catalog specs) over a book."""

    def __init__(self, periods: Sequence[int], specs: Sequence[object] = ()) -> None:
        self.periods = tuple(periods)
        self.specs = tuple(specs)
        self.window = tail_bars(self.specs)
        self.whole = tuple(s for s in self.specs if getattr(s, "name", None) in WHOLE_HISTORY)
        self.tail = tuple(s for s in self.specs if s not in self.whole)
        self._emas: dict[int, np.ndarray] = {}

    def rebuild(self, book: BarBook) -> None:
        """Batch values over the whole book (start, or after a reload)."""
        close = book.columns["close"][: book.n]
        for period in self.periods:
            values = np.empty(len(book.times), dtype=np.float64)
            values[: book.n] = talib.EMA(np.ascontiguousarray(close), timeperiod=period)
            self._emas[period] = values

    def update(self, book: BarBook, row: int) -> dict[str, np.ndarray]:
        """Values of every indicator column for rows ``row:`` after the book changed there."""
        out: dict[str, np.ndarray] = {}
        close = book.columns["close"]
        for period in self.periods:
            values = self._emas[period]
            if len(values) < len(book.times):
                values = self._emas[period] = np.resize(values, len(book.times))
            if row >= period:  # the previous bar's EMA is warm: carry it forward
                k = 2.0 / (period + 1)
                prev = float(values[row - 1])
                for i in range(row, book.n):
                    prev = (float(close[i]) - prev) * k + prev
                    values[i] = prev
            else:  # still warming up (or seeding): batch, as /api/ohlcv does
                values[: book.n] = talib.EMA(
                    np.ascontiguousarray(close[: book.n]), timeperiod=period
                )
            out[ema_column(period)] = values[row : book.n]
        if self.specs:
            out.update(self._catalog_tail(book, row))
        return out

    def _catalog_tail(self, book: BarBook, row: int) -> dict[str, np.ndarray]:
        from app.core.indicators import indicator_columns  # the catalog (#12)

        out: dict[str, np.ndarray] = {}
        for specs, start in ((self.tail, max(0, min(row, book.n - self.window))), (self.whole, 0)):
            if specs:
                columns = indicator_columns(book.tail_frame(start), specs)
                out.update({name: values[row - start :] for name, values in columns.items()})
        return out
