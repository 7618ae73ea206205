"""``start`` / ``end`` of a window -> UTC nanoseconds, whatever form the caller used.

Numbers (int, float, numeric strings) are UNIX seconds, as in every chart API: ``pd.Timestamp``
would read an int as nanoseconds and put 1704067200 in 1970. Times outside pandas' nanosecond
range (1677-09-21 .. 2262-04-11) are clamped to its ends, which is what a window means: a start
after all data or an end before all data is an empty window, never an overflow.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from app.core.errors import ParameterError, shorten

EARLIEST_NS = pd.Timestamp.min.value  # -(2**63 - 1): the int64 minimum itself is NaT
LATEST_NS = pd.Timestamp.max.value
_EARLIEST = pd.Timestamp.min.tz_localize("UTC")
_LATEST = pd.Timestamp.max.tz_localize("UTC")
_ACCEPTED = "use ISO 8601 like 2024-01-31T14:00Z, or UNIX seconds like 1706709600"


def window_bound_ns(value: object, name: str) -> int:
    """``value`` (ISO text, datetime, Timestamp, or UNIX seconds) -> UTC ns, clamped to
    1677-2262; ParameterError naming ``name`` if it is not a time at all."""
    seconds = _as_seconds(value, name)
    if seconds is not None:
        return _clamp(int((seconds * 1_000_000_000).to_integral_value()))
    stamp = _as_timestamp(value, name)
    if stamp < _EARLIEST:
        return EARLIEST_NS
    if stamp > _LATEST:
        return LATEST_NS
    return stamp.as_unit("ns").value


def _as_seconds(value: object, name: str) -> Decimal | None:
    """The exact number of seconds if ``value`` is a number (or numeric text), else None."""
    if isinstance(value, bool | np.bool_):
        raise ParameterError(name, f"{name} {value!r} is not a date or time; {_ACCEPTED}.")
    if isinstance(value, int | float | np.integer | np.floating):
        text = repr(float(value)) if isinstance(value, float | np.floating) else str(int(value))
    elif isinstance(value, str):
        text = value.strip()
    else:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None  # text that is not a number: a date string
    if not number.is_finite():
        raise ParameterError(name, f"{name} {value!r} is not a date or time; {_ACCEPTED}.")
    return number


def _as_timestamp(value: object, name: str) -> pd.Timestamp:
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date | np.datetime64 | str):
        try:
            stamp = pd.Timestamp(value)
        except (TypeError, ValueError):  # OutOfBoundsDatetime is a ValueError
            stamp = None
    else:
        stamp = None
    if stamp is None or stamp is pd.NaT:
        shown = shorten(value) if isinstance(value, str) else value
        raise ParameterError(name, f"{name} {shown!r} is not a date or time; {_ACCEPTED}.")
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _clamp(nanoseconds: int) -> int:
    return min(max(nanoseconds, EARLIEST_NS), LATEST_NS)
