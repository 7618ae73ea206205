"""Turning one raw column (Arrow, numpy or pandas) into UTC nanoseconds or float64, and saying
exactly which rows would not convert."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from app.core.errors import DataError

ACCEPTED_TIMES = (
    "ISO 8601 date-times (2024-01-31T14:00:00Z, with or without an offset; times without one "
    "are UTC), dates (2024-01-31), or epoch seconds / milliseconds"
)
_SHOWN = 5
_NS_PER_UNIT = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}


def rows_text(positions: np.ndarray, values: np.ndarray | None = None) -> str:
    """``rows 3 ('abc'), 9 ('x') and 4 more`` with 1-based data row numbers (header not counted)."""
    positions = np.asarray(positions)
    shown = positions[:_SHOWN]
    parts = []
    for pos in shown:
        part = str(int(pos) + 1)
        if values is not None:
            part += f" ({_short(values[pos])})"
        parts.append(part)
    text = ("row " if len(positions) == 1 else "rows ") + ", ".join(parts)
    if len(positions) > _SHOWN:
        text += f" and {len(positions) - _SHOWN} more"
    return text


def _short(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _as_arrow(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        return column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    return column


# --- numbers ----------------------------------------------------------------------------------


def numbers_from_arrow(
    column: pa.ChunkedArray | pa.Array, name: str, label: str, *, decimal_comma: bool = False
) -> np.ndarray:
    """float64 values (NaN where empty); DataError naming the rows that hold non-numbers."""
    array = _as_arrow(column)
    kind = array.type
    if pa.types.is_floating(kind) or pa.types.is_integer(kind) or pa.types.is_decimal(kind):
        if kind != pa.float64():
            array = array.cast(pa.float64())
        return array.to_numpy(zero_copy_only=False)
    if pa.types.is_null(kind):
        return np.full(len(array), np.nan)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        try:  # fast when the text is clean; otherwise the slow path finds the bad rows
            trimmed = pc.utf8_trim_whitespace(array)
            if decimal_comma:
                trimmed = pc.replace_substring(trimmed, ",", ".")
            blank = pc.equal(trimmed, "")
            return (
                pc.if_else(blank, None, trimmed).cast(pa.float64()).to_numpy(zero_copy_only=False)
            )
        except pa.ArrowInvalid:
            pass
        return numbers_from_text(
            np.asarray(array.to_numpy(zero_copy_only=False), dtype=object),
            name,
            label,
            decimal_comma=decimal_comma,
        )
    if pa.types.is_boolean(kind):
        raise DataError(f"{label}: column {name!r} holds true/false values, not numbers.")
    raise DataError(f"{label}: column {name!r} holds {kind} values, not numbers.")


def numbers_from_text(
    values: np.ndarray | pd.Series, name: str, label: str, *, decimal_comma: bool = False
) -> np.ndarray:
    """Strings -> float64 (NaN where empty); DataError with the rows and values that are not
    numbers. ``decimal_comma`` also accepts ``1,5`` for 1.5 (files delimited by ``;``)."""
    text = pd.Series(values, dtype="string").str.strip()
    present = text.notna() & (text != "")
    parsed = pd.to_numeric(text.where(present), errors="coerce")
    bad = present & parsed.isna()
    if decimal_comma and bad.any():
        retry = pd.to_numeric(text.where(present).str.replace(",", ".", regex=False), "coerce")
        if not (present & retry.isna()).any():
            parsed, bad = retry, present & retry.isna()
    if bad.any():
        positions = np.flatnonzero(bad.to_numpy())
        raw = np.asarray(values, dtype=object)
        raise DataError(
            f"{label}: column {name!r} has values that are not numbers in "
            f"{rows_text(positions, raw)}. Prices and volume must be plain numbers like 1234.5."
        )
    return parsed.to_numpy(dtype=np.float64, na_value=np.nan)


# --- times ------------------------------------------------------------------------------------


def times_from_arrow(column: pa.ChunkedArray | pa.Array, name: str, label: str) -> np.ndarray:
    """int64 UTC nanoseconds; naive times are UTC. DataError naming empty/unreadable rows."""
    array = _as_arrow(column)
    kind = array.type
    if pa.types.is_null(kind) or len(array) == array.null_count:
        if len(array) == 0:
            return np.empty(0, dtype=np.int64)
        raise DataError(f"{label}: time column {name!r} is empty. Accepted: {ACCEPTED_TIMES}.")
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        _raise_on_nulls(array, name, label)
        target = pa.timestamp("ns", "UTC") if pa.types.is_timestamp(kind) else pa.timestamp("ns")
        try:
            nanoseconds = array.cast(target)
        except pa.ArrowInvalid as exc:
            raise DataError(
                f"{label}: time column {name!r} has dates outside 1677-2262, which we cannot "
                f"represent ({exc})."
            ) from None
        return nanoseconds.cast(pa.int64()).to_numpy()
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        _raise_on_nulls(array, name, label)
        return epoch_to_ns(array.to_numpy(zero_copy_only=False), name, label)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return times_from_text(array.to_numpy(zero_copy_only=False), name, label)
    raise DataError(
        f"{label}: time column {name!r} holds {kind} values. Accepted: {ACCEPTED_TIMES}."
    )


def _raise_on_nulls(array: pa.Array, name: str, label: str) -> None:
    if array.null_count:
        positions = np.flatnonzero(pc.is_null(array).to_numpy(zero_copy_only=False))
        raise DataError(
            f"{label}: time column {name!r} is empty in {rows_text(positions)}. "
            "Every bar needs a time."
        )


def epoch_unit(values: np.ndarray) -> str:
    """``s``, ``ms``, ``us`` or ``ns``, from the size of the largest value."""
    largest = float(np.nanmax(np.abs(values))) if len(values) else 0.0
    if largest < 1e11:  # seconds until the year 5138
        return "s"
    if largest < 1e14:
        return "ms"
    if largest < 1e17:
        return "us"
    return "ns"


def epoch_to_ns(values: np.ndarray, name: str, label: str) -> np.ndarray:
    """Epoch numbers (unit detected by magnitude) -> int64 UTC nanoseconds."""
    if len(values) == 0:
        return np.empty(0, dtype=np.int64)
    unit = epoch_unit(values)
    if unit == "s" and float(np.nanmax(values)) < 1e8:
        raise DataError(
            f"{label}: time column {name!r} holds numbers up to {np.nanmax(values):g}, too small "
            f"to be epoch seconds or milliseconds (they would be before 1973). Accepted: "
            f"{ACCEPTED_TIMES}."
        )
    scale = _NS_PER_UNIT[unit]
    if values.dtype.kind == "f":
        return np.round(values * scale).astype(np.int64)
    return values.astype(np.int64, copy=False) * scale


def times_from_text(values: np.ndarray | pd.Series, name: str, label: str) -> np.ndarray:
    """Date/time strings (or numeric strings: epoch) -> int64 UTC nanoseconds."""
    text = pd.Series(values, dtype="string").str.strip()
    present = text.notna() & (text != "")
    if not present.all():
        positions = np.flatnonzero(~present.to_numpy())
        raise DataError(
            f"{label}: time column {name!r} is empty in {rows_text(positions)}. "
            "Every bar needs a time."
        )
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers.notna().all():
        return epoch_to_ns(numbers.to_numpy(dtype=np.float64), name, label)
    parsed = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        positions = np.flatnonzero(bad)
        raise DataError(
            f"{label}: time column {name!r} has values that are not dates or times in "
            f"{rows_text(positions, np.asarray(values, dtype=object))}. Accepted: "
            f"{ACCEPTED_TIMES}."
        )
    return parsed.dt.tz_convert(None).dt.as_unit("ns").to_numpy().view(np.int64)


def times_from_pandas(values: pd.Series, name: str, label: str) -> np.ndarray:
    """A pandas column of datetimes, numbers or strings -> int64 UTC nanoseconds."""
    if isinstance(values.dtype, pd.DatetimeTZDtype) or values.dtype.kind == "M":
        if values.isna().any():
            positions = np.flatnonzero(values.isna().to_numpy())
            raise DataError(
                f"{label}: time column {name!r} is empty in {rows_text(positions)}. "
                "Every bar needs a time."
            )
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_convert(None)  # naive UTC, no copy
        return values.dt.as_unit("ns").to_numpy().view(np.int64)
    if values.dtype.kind in "iuf":
        return epoch_to_ns(values.to_numpy(), name, label)
    return times_from_text(values.astype(object).to_numpy(), name, label)
