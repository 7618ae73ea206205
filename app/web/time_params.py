"""``start`` / ``end`` query values: ISO 8601 or UNIX seconds."""

from __future__ import annotations

import pandas as pd

from app.core import ParameterError

MAX_EPOCH_SECONDS = 253_402_300_799  # 9999-12-31T23:59:59Z


def parse_time_param(value: str | None, name: str) -> pd.Timestamp | str | None:
    """UNIX seconds become a UTC Timestamp (``pd.Timestamp(int)`` would read nanoseconds);
    anything else goes to the core, which names the parameter if it is not a date."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.lstrip("-").isdigit():
        seconds = int(text)
        if abs(seconds) > MAX_EPOCH_SECONDS:
            raise ParameterError(name, f"{name} {text} is out of range for UNIX seconds.")
        return pd.Timestamp(seconds, unit="s", tz="UTC")
    return text
