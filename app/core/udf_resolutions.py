"""What the /udf server adds to the shared protocol words (``app.core.sources.udf_protocol``):
the resolutions it offers, a resolution read strictly (ParameterError naming those offered), and
the trading session a symbol's bars show, as the Charting Library spells it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.core.errors import ParameterError, shorten
from app.core.frame import epoch_nanoseconds
from app.core.sources.udf_protocol import resolution_of
from app.core.sources.udf_protocol import timeframe_of_resolution as protocol_timeframe
from app.core.timeframes import TIMEFRAMES, Timeframe

__all__ = ["data_session", "resolution_of", "supported_resolutions", "timeframe_of_resolution"]

_DAY = 86_400
SESSION_SAMPLE = 20_000  # bars looked at to read a session (the newest ones)


def supported_resolutions(timeframes: list[str] | tuple[str, ...] | None = None) -> list[str]:
    """Our timeframes (``timeframes`` by name, else all of them) as resolutions, finest first."""
    names = list(TIMEFRAMES) if timeframes is None else timeframes
    return [resolution_of(TIMEFRAMES[name]) for name in names if name in TIMEFRAMES]


def timeframe_of_resolution(resolution: object) -> Timeframe:
    """``60`` -> 1h, ``1D``/``D`` -> 1d, ``W`` -> 1w, ``M``/``1M`` -> a month; ParameterError
    naming the resolutions offered for anything else (seconds, 2 months, 7 minutes...)."""
    timeframe = protocol_timeframe(str(resolution)) if len(str(resolution)) <= 10 else None
    if timeframe is None:
        raise ParameterError(
            "resolution",
            f"Unsupported resolution {shorten(resolution)!r}; supported: "
            f"{', '.join(supported_resolutions())}.",
        )
    return timeframe


def data_session(frame: pd.DataFrame, timeframe: Timeframe) -> str:
    """The session the bars show, in TradingView's form and UTC: ``24x7`` when bars come every
    day at every hour; else ``HHMM-HHMM:days`` (days 1 = Sunday ... 7 = Saturday), from the
    weekdays that have bars and, for intraday bars, the hours they span (``1430-2100:23456``
    for US stocks' regular hours). Fewer than 50 bars say too little: ``24x7``."""
    if len(frame) < 50:
        return "24x7"
    ns = epoch_nanoseconds(frame["time"])[-SESSION_SAMPLE:]
    seconds = ns // 1_000_000_000
    weekdays = ((seconds // _DAY) + 4) % 7  # 1970-01-01 was a Thursday; 0 = Sunday
    days = "".join(str(day + 1) for day in sorted(set(np.unique(weekdays).tolist())))
    hours = "0000-0000"
    if timeframe.seconds < _DAY:
        of_day = seconds % _DAY
        first, last = int(of_day.min()), int(of_day.max()) + timeframe.seconds
        if first > 0 or last < _DAY:
            hours = f"{_hhmm(first)}-{_hhmm(last % _DAY)}"
    if hours == "0000-0000" and days == "1234567":
        return "24x7"
    return f"{hours}:{days}"


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}{seconds % 3600 // 60:02d}"
