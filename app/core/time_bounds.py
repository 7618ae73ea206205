"""``start`` / ``end`` of a window: ISO 8601 or UNIX seconds -> a UTC time, nothing else.

One parser for every front end. Numbers (int, float, numeric text) are UNIX seconds, as in every
chart API: ``pd.Timestamp`` would read an int as nanoseconds and put 1704067200 in 1970. Text is
ISO 8601 only: pandas would also read ``now``, ``today`` or ``1/2/2024``, and an answer that changes
with the clock or with a day/month guess is a trap for a client. Times outside pandas' nanosecond
range (1677-09-21 .. 2262-04-11) are clamped to its ends, which is what a window means: a start
after all data or an end before all data is an empty window, never an overflow.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import numpy as np
import pandas as pd

from app.core.errors import ParameterError, shorten

EARLIEST_NS = pd.Timestamp.min.value  # -(2**63 - 1): the int64 minimum itself is NaT
LATEST_NS = pd.Timestamp.max.value
_EARLIEST = pd.Timestamp(EARLIEST_NS, tz="UTC")
_LATEST = pd.Timestamp(LATEST_NS, tz="UTC")
TIME_RANGE = (
    "1677-09-21T00:12:44Z to 2262-04-11T23:47:16Z "
    "(UNIX seconds -9223372036 to 9223372036), as a number or as text"
)
ACCEPTED = "use ISO 8601 like 2024-01-31 or 2024-01-31T14:00Z, or UNIX seconds like 1706709600"
# ASCII digits only: \d alone also matches "١٧٠٦٧٠٩٦٠٠", which Decimal reads as 1706709600.
_SECONDS = re.compile(r"[+-]?\d+(\.\d*)?", re.ASCII)
_ISO_8601 = re.compile(
    r"\d{4}-\d{2}(-\d{2}([T ]\d{2}(:\d{2}(:\d{2}(\.\d{1,9})?)?)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?",
    re.IGNORECASE | re.ASCII,
)


def parse_time_bound(value: object, name: str) -> pd.Timestamp | None:
    """``value`` as a UTC Timestamp (nanoseconds, clamped to 1677-2262); None when absent or
    blank text; ParameterError naming ``name`` and the accepted forms otherwise."""
    nanoseconds = window_bound_ns(value, name)
    return None if nanoseconds is None else pd.Timestamp(nanoseconds, tz="UTC")


def window_bound_ns(value: object, name: str) -> int | None:
    """``value`` (ISO 8601 text, datetime, Timestamp, or UNIX seconds) -> UTC nanoseconds clamped
    to 1677-2262; None when absent or blank text."""
    nanoseconds = _exact_ns(value, name)
    return None if nanoseconds is None else _clamp(nanoseconds)


def parse_time_point(value: object, name: str) -> pd.Timestamp | None:
    """``value`` as a UTC Timestamp, the same range whether it is written as a number or as
    text (a replay's ``start`` is a point to play from, not a window's edge: nothing to clamp);
    None when absent or blank text; ParameterError naming the accepted forms or the range."""
    nanoseconds = _exact_ns(value, name)
    if nanoseconds is None:
        return None
    if not EARLIEST_NS <= nanoseconds <= LATEST_NS:
        raise ParameterError(
            name, f"{name} {_shown(value)} is outside the times accepted: {TIME_RANGE}."
        )
    return pd.Timestamp(nanoseconds, tz="UTC")


def _exact_ns(value: object, name: str) -> int | None:
    """``value`` -> UTC nanoseconds since the epoch, not clamped (a Python int)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | np.bool_):
        raise _not_a_time(value, name)
    if isinstance(value, int | np.integer):
        return int(value) * 1_000_000_000
    if isinstance(value, float | np.floating):
        if not np.isfinite(value):
            raise _not_a_time(value, name)
        return _from_seconds(Decimal(repr(float(value))))
    if isinstance(value, str):
        text = value.strip()
        if _SECONDS.fullmatch(text):
            return _from_seconds(Decimal(text))
        if not _ISO_8601.fullmatch(text):
            raise _not_a_time(value, name)
    elif not isinstance(value, pd.Timestamp | dt.datetime | dt.date | np.datetime64):
        raise _not_a_time(value, name)
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError):  # OutOfBoundsDatetime is a ValueError
        stamp = None
    if stamp is None or stamp is pd.NaT:
        raise ParameterError(
            name, f"{name} {_shown(value)} is not a valid date or time; {ACCEPTED}."
        )
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    if _EARLIEST <= stamp <= _LATEST:
        return stamp.as_unit("ns").value
    # Outside nanoseconds' range (pandas holds it in seconds): exact through a datetime.
    since = stamp.to_pydatetime() - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    seconds = since.days * 86_400 + since.seconds
    return seconds * 1_000_000_000 + since.microseconds * 1_000


def _from_seconds(seconds: Decimal) -> int:
    return int((seconds * 1_000_000_000).to_integral_value())


def _clamp(nanoseconds: int) -> int:
    return min(max(nanoseconds, EARLIEST_NS), LATEST_NS)


def _shown(value: object) -> str:
    return repr(shorten(value.strip())) if isinstance(value, str) else shorten(repr(value))


def _not_a_time(value: object, name: str) -> ParameterError:
    words = isinstance(value, str) and value.strip().isalpha()
    hint = " (words such as now or today are not accepted)" if words else ""
    return ParameterError(name, f"{name} {_shown(value)} is not a date or time; {ACCEPTED}{hint}.")
