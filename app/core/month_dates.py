"""Monthly bars dated the 1st of their month, 00:00 UTC, whatever the source wrote.

A native monthly file often dates each bar on its last day (2024-12-31) while bars resampled to
1M are labelled by their start (2024-12-01); two monthly symbols then never line up. The check
every source's data goes through (``check_bars``) moves monthly bars to their month's start, so
native and resampled monthly bars share dates.
"""

from __future__ import annotations

import logging

import numpy as np

logger = logging.getLogger(__name__)

DAY_NS = 86_400 * 10**9
MONTH_MIN_NS = 28 * DAY_NS  # the shortest month: bars this far apart (median) are monthly


def month_starts_ns(times_ns: np.ndarray) -> np.ndarray:
    """The 1st 00:00 UTC of each time's month, in nanoseconds.

    >>> import numpy as np
    >>> t = np.array(["2024-12-31", "2025-01-31T23:59"], dtype="datetime64[ns]").astype(np.int64)
    >>> month_starts_ns(t).astype("datetime64[ns]").astype(str).tolist()
    ['2024-12-01T00:00:00.000000000', '2025-01-01T00:00:00.000000000']
    """
    months = times_ns.astype("datetime64[ns]").astype("datetime64[M]")
    return months.astype("datetime64[ns]").astype(np.int64)


def is_monthly(times_ns: np.ndarray) -> bool:
    """Sorted times whose median gap is a month or more (a cheap mean check first, so daily and
    finer data pay O(1))."""
    rows = len(times_ns)
    if rows < 2 or (int(times_ns[-1]) - int(times_ns[0])) / (rows - 1) < 0.9 * MONTH_MIN_NS:
        return False
    return float(np.median(np.diff(times_ns))) >= MONTH_MIN_NS * 0.999


def month_dated(
    times_ns: np.ndarray, columns: tuple[np.ndarray, ...], label: str
) -> tuple[np.ndarray, tuple[np.ndarray, ...], str | None]:
    """Monthly bars (sorted) moved to their month's start; bars sharing a month after that are
    merged (open first, high max, low min, close last, volume sum). Returns the times, the
    ``(open, high, low, close, volume)`` columns and a notice when anything moved; other data
    comes back as it was."""
    if not is_monthly(times_ns):
        return times_ns, columns, None
    starts = month_starts_ns(times_ns)
    moved = np.flatnonzero(starts != times_ns)
    if not len(moved):
        return times_ns, columns, None
    open_, high, low, close, volume = columns
    first = np.flatnonzero(np.diff(starts, prepend=starts[0] - 1))
    if len(first) < len(starts):  # two bars in one month: one bar, as resampling makes it
        last = np.append(first[1:], len(starts)) - 1
        columns = (
            open_[first],
            np.maximum.reduceat(high, first),
            np.minimum.reduceat(low, first),
            close[last],
            np.add.reduceat(volume, first),
        )
        starts = starts[first]
    stamp = str(times_ns[moved[0]].astype("datetime64[ns]").astype("datetime64[s]"))
    notice = (
        f"{label}: monthly bars dated inside their month (first {stamp.replace('T', ' ')}) "
        "are dated the 1st of the month 00:00 UTC, as every monthly bar is."
    )
    logger.info("%s", notice)
    return starts, columns, notice
