"""VWAP restarting every session, TradingView's default anchor (the UTC day).

TA-Lib's ``VWAP`` accumulates from the first bar of whatever it is given, so a session VWAP is
TA-Lib's VWAP of each day's bars; done here as one vectorised pass (cumulative sums minus the
sums reached before each session), which is what calling ``talib.VWAP`` per day would give
(tested against it) without a Python loop over 40,000 days of hourly bars.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.core.frame import epoch_nanoseconds
from app.core.timeframes import bin_starts_ns, parse_timeframe


def session_starts(times_ns: np.ndarray, session: str = "1d") -> np.ndarray:
    """Positions where a new session (a timeframe's bin: ``1d`` = UTC day) begins."""
    if len(times_ns) == 0:
        return np.zeros(0, dtype=np.intp)
    sessions = bin_starts_ns(times_ns, parse_timeframe(session))
    return np.flatnonzero(np.diff(sessions, prepend=sessions[0] - 1))


def session_vwap(
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    volume: np.ndarray,
    starts: np.ndarray,
) -> np.ndarray:
    """Volume-weighted typical price (h+l+c)/3, restarting at each of ``starts``; NaN until a
    session has traded volume."""
    typical = (high + low + close) / 3.0
    if len(typical) == 0:
        return typical
    cum_pv = np.cumsum(typical * volume)
    cum_v = np.cumsum(volume)
    # Subtract the running totals reached just before each session began.
    lengths = np.diff(np.append(starts, len(typical)))
    before = np.repeat(np.concatenate(([0], starts[1:] - 1)), lengths)
    first = np.repeat(starts == 0, lengths)
    session_v = cum_v - np.where(first, 0.0, cum_v[before])
    session_pv = cum_pv - np.where(first, 0.0, cum_pv[before])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(session_v > 0, session_pv / session_v, np.nan)


def vwap_values(frame: pd.DataFrame, session: str = "1d") -> np.ndarray:
    """Session VWAP of a canonical frame (``session``: a timeframe name, ``1d`` = every UTC
    day, ``1w`` = every Monday)."""
    prices = [
        np.ascontiguousarray(frame[name].to_numpy(dtype=np.float64))
        for name in ("high", "low", "close", "volume")
    ]
    starts = session_starts(epoch_nanoseconds(frame["time"]), session)
    return session_vwap(*prices, starts)
