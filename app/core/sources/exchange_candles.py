"""CCXT's candles and times in our terms: ``[ms, open, high, low, close, volume]`` rows -> the
canonical frame, and window bounds -> the milliseconds CCXT pages by."""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.core.errors import UpstreamPayloadError
from app.core.validation import check_bars, frame_of


def epoch_ms(value: pd.Timestamp | None) -> int | None:
    if value is None:
        return None
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return int(stamp.value // 1_000_000)


def frame_from_candles(rows: list[list], label: str) -> pd.DataFrame:
    """CCXT's ``[ms, open, high, low, close, volume]`` rows -> the canonical frame."""
    try:
        table = np.array([row[:6] for row in rows], dtype=np.float64)
    except (TypeError, ValueError):
        raise UpstreamPayloadError(f"{label}: candles that are not numbers.") from None
    times_ns = np.array([int(row[0]) for row in rows], dtype=np.int64) * 1_000_000
    try:
        checked = check_bars(
            times_ns, table[:, 1], table[:, 2], table[:, 3], table[:, 4], table[:, 5], label=label
        )
        return frame_of(checked)
    except Exception as exc:  # check_bars' messages already start with the label
        message = str(exc)
        prefixed = message if message.startswith(f"{label}: ") else f"{label}: {message}"
        raise UpstreamPayloadError(prefixed) from None
