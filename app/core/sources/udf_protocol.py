"""TradingView's UDF protocol: its field names and resolutions, and the checked reading of its
answers, shared by our UDF client (the ``pyth`` and ``udf`` sources) and the ``/udf`` server.

The words are the specification's (``supported_resolutions``, ``s``, ``t/o/h/l/c/v``,
``nextTime``, ``errmsg``, ...). A history answer is one of::

    {"s": "ok", "t": [...], "o": [...], "h": [...], "l": [...], "c": [...], "v": [...]}
    {"s": "no_data", "nextTime": 1700000000}      # nextTime optional: the next bar before ``to``
    {"s": "error", "errmsg": "Unknown symbol"}

Times are UNIX seconds; ``v`` is optional. Resolutions are minutes (``"1"``, ``"60"``,
``"240"``), or a count of days, weeks or months (``"1D"``, ``"1W"``, ``"1M"``; ``"D"`` is
``"1D"``), seconds with ``S`` (``"15S"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from app.core.errors import DataError, UpstreamPayloadError
from app.core.timeframes import TIMEFRAMES, Timeframe
from app.core.validation import check_bars, frame_of

# /config
SUPPORTED_RESOLUTIONS = "supported_resolutions"
SUPPORTS_SEARCH = "supports_search"
SUPPORTS_GROUP_REQUEST = "supports_group_request"
SUPPORTS_MARKS = "supports_marks"
SUPPORTS_TIMESCALE_MARKS = "supports_timescale_marks"
SUPPORTS_TIME = "supports_time"
# /history
STATUS = "s"
STATUS_OK, STATUS_NO_DATA, STATUS_ERROR = "ok", "no_data", "error"
TIME, OPEN, HIGH, LOW, CLOSE, VOLUME = "t", "o", "h", "l", "c", "v"
NEXT_TIME = "nextTime"
ERROR_MESSAGE = "errmsg"
# /symbols (SymbolInfo) and /search items
SYMBOL_FIELDS = (
    "name",
    "ticker",
    "description",
    "type",
    "session",
    "exchange",
    "listed_exchange",
    "timezone",
    "minmov",
    "pricescale",
    "has_intraday",
    "has_daily",
    "has_weekly_and_monthly",
    "supported_resolutions",
)
SEARCH_FIELDS = ("symbol", "full_name", "description", "exchange", "ticker", "type")

MAX_ERRMSG_CHARS = 200  # of an upstream error message shown to a user
_RESOLUTION = re.compile(r"^(\d{0,4})([SDWM]?)$")
_UNIT_SECONDS = {"S": 1, "": 60, "D": 86_400, "W": 7 * 86_400, "M": 30 * 86_400}


def resolution_of(timeframe: Timeframe) -> str:
    """Our timeframe as a UDF resolution: ``1h`` -> ``"60"``, ``1d`` -> ``"1D"``.

    >>> [resolution_of(TIMEFRAMES[n]) for n in ("1m", "4h", "1d", "1w", "1M")]
    ['1', '240', '1D', '1W', '1M']
    """
    name = timeframe.name
    if name.endswith("M"):  # months: 1M
        return name
    seconds = timeframe.seconds
    if seconds % (7 * 86_400) == 0 and name.endswith("w"):
        return f"{seconds // (7 * 86_400)}W"
    if seconds % 86_400 == 0:
        return f"{seconds // 86_400}D"
    if seconds % 60 == 0:
        return str(seconds // 60)
    return f"{seconds}S"


def resolution_seconds(resolution: str) -> int | None:
    """A UDF resolution's length in seconds (a month nominally 30 days), None if not one.

    >>> resolution_seconds("60"), resolution_seconds("D"), resolution_seconds("2W")
    (3600, 86400, 1209600)
    """
    match = _RESOLUTION.match(str(resolution).strip().upper())
    if match is None or not (match.group(1) or match.group(2)):
        return None
    count = int(match.group(1) or 1)
    return count * _UNIT_SECONDS[match.group(2)] if count > 0 else None


def timeframe_of_resolution(resolution: str) -> Timeframe | None:
    """Our timeframe of the same length, None when we have none (``"3"`` minutes)."""
    text = str(resolution).strip().upper()
    if text.endswith("M") and text[:-1] in ("", "1"):
        return TIMEFRAMES["1M"]
    seconds = resolution_seconds(text)
    for tf in TIMEFRAMES.values():
        if tf.seconds == seconds and not tf.name.endswith("M"):
            return tf
    return None


@dataclass(frozen=True)
class NoData:
    """``{s: "no_data"}``: no bar in the window; ``next_time`` the newest bar before it, if any."""

    next_time: int | None


def read_history(payload: Any, label: str, *, max_bars: int) -> pd.DataFrame | NoData:
    """A ``/history`` answer -> the canonical frame, or NoData. UpstreamPayloadError for an
    error answer (its ``errmsg``, cut short) or anything that is not the protocol's shape;
    more than ``max_bars`` bars is refused before they are converted."""
    if not isinstance(payload, dict):
        raise UpstreamPayloadError(f"{label}: the answer is not a UDF history object.")
    status = payload.get(STATUS)
    if status == STATUS_NO_DATA:
        next_time = payload.get(NEXT_TIME)
        ok = isinstance(next_time, int | float) and not isinstance(next_time, bool)
        return NoData(int(next_time) if ok and np.isfinite(next_time) else None)
    if status == STATUS_ERROR:
        raise UpstreamPayloadError(f"{label}: {error_message(payload)}")
    if status != STATUS_OK:
        raise UpstreamPayloadError(
            f"{label}: the answer's status {str(status)[:20]!r} is none of ok, no_data, error."
        )
    columns = {}
    for key in (TIME, OPEN, HIGH, LOW, CLOSE):
        values = payload.get(key)
        if not isinstance(values, list):
            raise UpstreamPayloadError(f"{label}: the answer has no {key!r} list.")
        columns[key] = values
    volume = payload.get(VOLUME)
    count = len(columns[TIME])
    if count > max_bars:
        raise UpstreamPayloadError(
            f"{label}: {count:,} bars in one answer is over the {max_bars:,}-bar cap."
        )
    if volume is not None and not isinstance(volume, list):
        raise UpstreamPayloadError(f"{label}: the answer's 'v' is not a list.")
    lists = [*columns.values(), *([volume] if volume is not None else [])]
    if any(len(values) != count for values in lists):
        raise UpstreamPayloadError(f"{label}: the answer's t/o/h/l/c/v lists differ in length.")
    if count == 0:
        return NoData(None)
    try:
        times = np.array(columns[TIME], dtype=np.float64)
        prices = [np.array(columns[k], dtype=np.float64) for k in (OPEN, HIGH, LOW, CLOSE)]
        vol = np.array(volume, dtype=np.float64) if volume is not None else None
    except (TypeError, ValueError):
        raise UpstreamPayloadError(
            f"{label}: the answer holds values that are not numbers."
        ) from None
    if not np.isfinite(times).all() or (np.abs(times) > 2**40).any():
        raise UpstreamPayloadError(f"{label}: the answer's times are not UNIX seconds.")
    times_ns = times.astype(np.int64) * 1_000_000_000
    try:
        return frame_of(check_bars(times_ns, *prices, vol, label=label))
    except DataError as exc:
        raise UpstreamPayloadError(str(exc)) from None


def error_message(payload: Any) -> str:
    """An error answer's ``errmsg``, cut short and on one line (it is shown to a user)."""
    text = payload.get(ERROR_MESSAGE) if isinstance(payload, dict) else None
    if not isinstance(text, str) or not text.strip():
        return "the UDF server answered an error without a message."
    return " ".join(text.split())[:MAX_ERRMSG_CHARS]


def history_ok(
    times_s: np.ndarray,
    open_: np.ndarray,
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    volume: np.ndarray | None,
) -> dict[str, Any]:
    """``{s: "ok", t, o, h, l, c, v}`` from columns (times in UNIX seconds)."""
    answer: dict[str, Any] = {
        STATUS: STATUS_OK,
        TIME: times_s,
        OPEN: open_,
        HIGH: high,
        LOW: low,
        CLOSE: close,
    }
    if volume is not None:
        answer[VOLUME] = volume
    return answer


def history_no_data(next_time: int | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {STATUS: STATUS_NO_DATA}
    if next_time is not None:
        answer[NEXT_TIME] = int(next_time)
    return answer


def history_error(message: str) -> dict[str, Any]:
    return {STATUS: STATUS_ERROR, ERROR_MESSAGE: message}
