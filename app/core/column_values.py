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
TIME_OF_DAY_PATTERN = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?|\d{6}"  # 13:00, 13:00:00, 130000
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
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        text = str(int(value))  # 1704067200000, not 1.7040672e+12
    elif isinstance(value, float):
        text = f"{value:g}"
    else:
        text = str(value)
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

# pandas' nanosecond times span +-(2**63 - 1) ns around 1970 (the int64 minimum is NaT).
_NS_LIMIT = 2**63 - 1
_FLOAT_NS_LIMIT = float(np.nextafter(2.0**63, 0))  # the largest float below 2**63
TIME_RANGE = "between 1677-09-21 and 2262-04-11 (UTC), the range pandas can represent"
_UNIT_NAMES = {"s": "seconds", "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds"}
_UNITS = ("s", "ms", "us", "ns")
_UNIT_FLOORS = np.array([1e11, 1e14, 1e17])  # |value| below 1e11: seconds (until the year 5138)
_ARROW_UNIT_NS = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}


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
        except pa.ArrowInvalid:
            _raise_arrow_out_of_range(array, name, label)
            raise  # not reached: the rows outside the range are always found
        return nanoseconds.cast(pa.int64()).to_numpy()
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        _raise_on_nulls(array, name, label)
        return epoch_to_ns(array.to_numpy(zero_copy_only=False), name, label)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return times_from_text(array.to_numpy(zero_copy_only=False), name, label)
    if pa.types.is_time(kind):  # 13:00 with no date (Arrow reads it as a time of day)
        shown = array.slice(0, _SHOWN).cast(pa.string()).to_pylist()
        _raise_time_of_day_only(np.arange(len(array)), dict(enumerate(shown)), name, label)
    raise DataError(
        f"{label}: time column {name!r} holds {kind} values. Accepted: {ACCEPTED_TIMES}."
    )


def _raise_on_nulls(array: pa.Array, name: str, label: str) -> None:
    if array.null_count:
        _raise_empty(np.flatnonzero(pc.is_null(array).to_numpy(zero_copy_only=False)), name, label)


def _raise_time_of_day_only(positions: np.ndarray, shown: object, name: str, label: str) -> None:
    raise DataError(
        f"{label}: time column {name!r} holds times of day without a date in "
        f"{rows_text(positions, shown)}. Add a date column next to it (Date,Time as MT4 and "
        "Stooq export: 2024.01.02,13:00 or 20240102,130000), or put date and time in one column "
        "(2024-01-02T13:00)."
    )


def _raise_empty(positions: np.ndarray, name: str, label: str) -> None:
    raise DataError(
        f"{label}: time column {name!r} is empty in {rows_text(positions)}. Every bar needs a time."
    )


def _raise_out_of_range(positions: np.ndarray, shown: object, name: str, label: str) -> None:
    raise DataError(
        f"{label}: time column {name!r} has times we cannot represent in "
        f"{rows_text(positions, shown)}; times must fall {TIME_RANGE}."
    )


def _raise_arrow_out_of_range(array: pa.Array, name: str, label: str) -> None:
    """Arrow dates/timestamps that do not fit in int64 nanoseconds: DataError naming them."""
    kind = array.type
    if pa.types.is_date32(kind):
        per_value = 86_400 * 10**9  # days
        raw = array.cast(pa.int32())
    elif pa.types.is_date64(kind):
        per_value = 10**6  # milliseconds
        raw = array.cast(pa.int64())
    else:
        per_value = _ARROW_UNIT_NS[kind.unit]
        raw = array.cast(pa.int64())
    limit = _NS_LIMIT // per_value
    values = raw.to_numpy(zero_copy_only=False)
    positions = np.flatnonzero((values > limit) | (values < -limit))
    shown = {int(p): str(array[int(p)].as_py()) for p in positions[:_SHOWN]}
    _raise_out_of_range(positions, shown, name, label)


def _unit_codes(magnitudes: np.ndarray) -> np.ndarray:
    """Index into ``_UNITS`` for each absolute epoch value."""
    return np.searchsorted(_UNIT_FLOORS, magnitudes, side="right")


def epoch_unit(values: np.ndarray) -> str:
    """``s``, ``ms``, ``us`` or ``ns``, from the size of the largest value."""
    largest = float(np.nanmax(np.abs(values))) if len(values) else 0.0
    return _UNITS[int(_unit_codes(np.array([largest]))[0])]


def epoch_to_ns(values: np.ndarray, name: str, label: str) -> np.ndarray:
    """Epoch numbers -> int64 UTC nanoseconds, the unit (s, ms, us, ns) read from their size.

    DataError for empty (NaN) values, a column whose values imply different units (a
    milliseconds row among seconds would otherwise put every bar in 1970), and times outside
    1677-2262 (int64 nanoseconds would overflow and wrap round silently)."""
    if len(values) == 0:
        return np.empty(0, dtype=np.int64)
    is_float = values.dtype.kind == "f"
    if is_float:
        not_finite = ~np.isfinite(values)
        if not_finite.any():
            missing = np.isnan(values)
            if missing.any():
                _raise_empty(np.flatnonzero(missing), name, label)
            raise DataError(
                f"{label}: time column {name!r} holds infinite values in "
                f"{rows_text(np.flatnonzero(not_finite), values)}. Accepted: {ACCEPTED_TIMES}."
            )
    lowest, highest = values.min(), values.max()
    if lowest >= 0:
        smallest, largest = float(lowest), float(highest)
    else:
        magnitudes = np.abs(values.astype(np.float64))
        smallest, largest = float(magnitudes.min()), float(magnitudes.max())
    first, last = _unit_codes(np.array([smallest, largest]))
    if first != last:
        _raise_mixed_units(values, name, label)
    unit = _UNITS[int(first)]
    if unit == "s" and float(highest) < 1e8:
        raise DataError(
            f"{label}: time column {name!r} holds numbers up to {_short(highest)}, too small "
            f"to be epoch seconds or milliseconds (they would be before 1973). Accepted: "
            f"{ACCEPTED_TIMES}."
        )
    scale = _NS_PER_UNIT[unit]
    if is_float:
        outside = ~(np.abs(values) <= _FLOAT_NS_LIMIT / scale)  # also catches infinities
    else:
        limit = _NS_LIMIT // scale
        outside = (
            (values > limit) | (values < -limit) if highest > limit or lowest < -limit else None
        )
    if outside is not None and outside.any():
        positions = np.flatnonzero(outside)
        raise DataError(
            f"{label}: time column {name!r} holds epoch {_UNIT_NAMES[unit]} we cannot represent "
            f"in {rows_text(positions, values)}; times must fall {TIME_RANGE}."
        )
    if is_float:
        return np.round(values * scale).astype(np.int64)
    return values.astype(np.int64, copy=False) * scale


def _raise_mixed_units(values: np.ndarray, name: str, label: str) -> None:
    codes = _unit_codes(np.abs(values.astype(np.float64)))
    usual = int(np.bincount(codes).argmax())
    odd = np.flatnonzero(codes != usual)
    odd_units = " or ".join(_UNIT_NAMES[_UNITS[c]] for c in np.unique(codes[odd]))
    raise DataError(
        f"{label}: time column {name!r} mixes epoch units: most values are epoch "
        f"{_UNIT_NAMES[_UNITS[usual]]}, but {rows_text(odd, values)} "
        f"{'looks' if len(odd) == 1 else 'look'} like {odd_units}. "
        "Use one unit for the whole column: epoch seconds (1704067200) or milliseconds "
        "(1704067200000)."
    )


def times_from_text(values: np.ndarray | pd.Series, name: str, label: str) -> np.ndarray:
    """Date/time strings (or numeric strings: epoch) -> int64 UTC nanoseconds."""
    text = pd.Series(values, dtype="string").str.strip()
    present = text.notna() & (text != "")
    if not present.all():
        _raise_empty(np.flatnonzero(~present.to_numpy()), name, label)
    numbers = pd.to_numeric(text, errors="coerce")
    is_number = numbers.notna().to_numpy()
    if is_number.all():
        return epoch_to_ns(numbers.to_numpy(dtype=np.float64), name, label)
    raw = np.asarray(values, dtype=object)
    if 2 * np.count_nonzero(is_number) > len(is_number):  # mostly epoch numbers: blame the rest
        odd = np.flatnonzero(~is_number)
        raise DataError(
            f"{label}: time column {name!r} holds epoch numbers, but "
            f"{rows_text(odd, raw)} {'is not a number' if len(odd) == 1 else 'are not numbers'}. "
            f"Use one form for the whole column. Accepted: {ACCEPTED_TIMES}."
        )
    parsed = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        positions = np.flatnonzero(bad)
        if text.iloc[positions[:_SHOWN]].str.fullmatch(TIME_OF_DAY_PATTERN).all():
            _raise_time_of_day_only(positions, raw, name, label)
        raise DataError(
            f"{label}: time column {name!r} has values that are not dates or times in "
            f"{rows_text(positions, raw)}. Accepted: {ACCEPTED_TIMES}."
        )
    return ns_from_datetimes(parsed, name, label, raw)


def ns_from_datetimes(
    values: pd.Series, name: str, label: str, raw: np.ndarray | None = None
) -> np.ndarray:
    """A datetime column without NaT (any unit, naive = UTC) -> int64 UTC nanoseconds;
    DataError naming the rows outside 1677-2262 (pandas 3 parses them in coarser units)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert(None)  # naive UTC, no copy
    if values.dtype != np.dtype("datetime64[ns]"):
        wide = values.to_numpy()
        limit = _NS_LIMIT // _ARROW_UNIT_NS[np.datetime_data(wide.dtype)[0]]
        count = wide.view(np.int64)  # numpy compares units by casting, which would overflow
        outside = (count > limit) | (count < -limit)
        if outside.any():
            positions = np.flatnonzero(outside)
            shown = raw if raw is not None else values.astype(str).to_numpy()
            _raise_out_of_range(positions, shown, name, label)
    return values.dt.as_unit("ns").to_numpy().view(np.int64)


def times_from_pandas(values: pd.Series, name: str, label: str) -> np.ndarray:
    """A pandas column of datetimes, numbers or strings -> int64 UTC nanoseconds."""
    if isinstance(values.dtype, pd.DatetimeTZDtype) or values.dtype.kind == "M":
        if values.isna().any():
            _raise_empty(np.flatnonzero(values.isna().to_numpy()), name, label)
        return ns_from_datetimes(values, name, label)
    if values.dtype.kind in "iuf":
        return epoch_to_ns(values.to_numpy(), name, label)
    return times_from_text(values.astype(object).to_numpy(), name, label)
