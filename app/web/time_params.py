"""``start`` / ``end`` query values: ISO 8601 or UNIX seconds, nothing else.

pandas would also read ``now``, ``today`` or ``1/2/2024``; an API answer that changes with the
clock or with a day/month guess is a trap for a client, so those are refused with the forms that
are accepted.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pandas as pd

from app.core import ParameterError

MIN_EPOCH_SECONDS = -62_135_596_800  # 0001-01-01T00:00:00Z
MAX_EPOCH_SECONDS = 253_402_300_799  # 9999-12-31T23:59:59Z
ISO_8601 = re.compile(
    r"\d{4}-\d{2}(-\d{2}([T ]\d{2}(:\d{2}(:\d{2}(\.\d{1,9})?)?)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?",
    re.IGNORECASE,
)
ACCEPTED = "use ISO 8601 like 2024-01-31 or 2024-01-31T14:00Z, or UNIX seconds like 1706709600"


def parse_time_param(value: str | None, name: str) -> pd.Timestamp | None:
    """A UTC Timestamp, None when absent or blank, or a ParameterError naming ``name``."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"-?\d+", text):
        return _from_epoch_seconds(int(text), text, name)
    if not ISO_8601.fullmatch(text):
        hint = " (relative words like now or today are not accepted)" if text.isalpha() else ""
        raise ParameterError(name, f"{name} {text!r} is not a date or time{hint}; {ACCEPTED}.")
    try:
        stamp = pd.Timestamp(text)
    except (ValueError, OverflowError):
        message = f"{name} {text!r} is not a valid date or time; {ACCEPTED}."
        raise ParameterError(name, message) from None
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _from_epoch_seconds(seconds: int, text: str, name: str) -> pd.Timestamp:
    # pd.Timestamp(int) would read nanoseconds, and unit="s" wraps outside the nanosecond range.
    if not MIN_EPOCH_SECONDS <= seconds <= MAX_EPOCH_SECONDS:
        message = (
            f"{name} {text} is out of range for UNIX seconds "
            f"({MIN_EPOCH_SECONDS} to {MAX_EPOCH_SECONDS}, years 1 to 9999)."
        )
        raise ParameterError(name, message)
    return pd.Timestamp(datetime.fromtimestamp(seconds, tz=UTC))
