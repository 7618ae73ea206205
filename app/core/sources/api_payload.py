"""Reading a broker's JSON answer as a canonical OHLCV frame.

Accepted: a list of objects (``{time, open, high, low, close, volume}`` or ``{t, o, h, l, c,
v}``), a list of arrays ``[t, o, h, l, c, v]``, or either under a ``data`` (``bars``,
``candles``, ``results``, ``ohlcv``) key.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from app.core.column_values import numbers_from_text, times_from_pandas
from app.core.columns import resolve_columns
from app.core.errors import DataError, UpstreamPayloadError
from app.core.split_times import times_from_date_and_time
from app.core.validation import check_bars, frame_of

SHORT_NAMES = {"t": "time", "o": "open", "h": "high", "l": "low", "c": "close", "v": "volume"}
ARRAY_ORDER = ("time", "open", "high", "low", "close", "volume")
LIST_KEYS = ("data", "bars", "candles", "results", "ohlcv")


def payload_list(payload: Any) -> list | None:
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        for key in LIST_KEYS:
            if isinstance(payload.get(key), list):
                return payload[key]
    return None


def frame_from_payload(payload: Any, label: str) -> pd.DataFrame:
    """An API's JSON (list of objects, list of arrays, or either under a ``data`` key) ->
    canonical frame; UpstreamPayloadError saying what was wrong."""
    items = payload_list(payload)
    if items is None:
        shape = type(payload).__name__
        if isinstance(payload, dict):
            shape += " with keys " + ", ".join(map(str, list(payload)[:8]))
        raise UpstreamPayloadError(
            f"{label}: expected a JSON list of bars (or one under a 'data' key), got a {shape}."
        )
    if not items:
        raise UpstreamPayloadError(f"{label}: no bars.")
    first = items[0]
    try:
        if isinstance(first, dict):
            if not all(isinstance(item, dict) for item in items):
                raise DataError(f"{label}: bars mix objects and other values.")
            table = pd.DataFrame.from_records(items)
        elif isinstance(first, list | tuple):
            widths = {len(item) if isinstance(item, list | tuple) else -1 for item in items}
            if widths - {5, 6}:
                raise DataError(
                    f"{label}: array bars must be [time, open, high, low, close, volume] (5 or "
                    "6 values each)."
                )
            table = pd.DataFrame(items, columns=list(ARRAY_ORDER[: max(widths)]))
        else:
            raise DataError(
                f"{label}: bars must be objects ({{time, open, high, low, close, volume}} or "
                f"{{t, o, h, l, c, v}}) or arrays [t, o, h, l, c, v], got {type(first).__name__}."
            )
        return _frame_from_table(table, label)
    except DataError as exc:
        raise UpstreamPayloadError(str(exc)) from None


def _frame_from_table(table: pd.DataFrame, label: str) -> pd.DataFrame:
    mapping = resolve_columns([str(c) for c in table.columns], label, aliases=SHORT_NAMES)
    table.columns = [str(c) for c in table.columns]

    def numbers(canonical: str) -> np.ndarray:
        column = table[mapping[canonical]]
        if column.dtype.kind in "iuf":
            return column.to_numpy(dtype=np.float64)
        return numbers_from_text(column.to_numpy(dtype=object), mapping[canonical], label)

    times = None
    if "date" in mapping:  # {date, time} bars: combined when ``time`` holds times of day
        times = times_from_date_and_time(
            table[mapping["date"]], table[mapping["time"]], mapping["date"], mapping["time"], label
        )
    if times is None:
        times = times_from_pandas(table[mapping["time"]], mapping["time"], label)
    checked = check_bars(
        times,
        numbers("open"),
        numbers("high"),
        numbers("low"),
        numbers("close"),
        numbers("volume") if "volume" in mapping else None,
        label=label,
        names=mapping,
    )
    return frame_of(checked)
