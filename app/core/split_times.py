"""A date column plus a time-of-day column -> one UTC time per row.

MT4 exports ``Date,Time`` as ``2024.01.02,13:00``; Stooq as ``20240102,130000``. Whether a
``time`` column is a time of day (to combine with ``date``) or a full time on its own is told by
its values, so a file whose ``time`` already holds dates is read as before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from app.core.column_values import TIME_OF_DAY_PATTERN, ns_from_datetimes, rows_text
from app.core.errors import DataError

ACCEPTED_SPLIT = (
    "a date (2024-01-02, 2024.01.02, 2024/01/02 or 20240102) and a time of day (13:00, "
    "13:00:00, 13:00:00.250 or 130000), read as UTC"
)
_DATE_PATTERN = r"^(\d{4})([-./]?)(\d{2})\2(\d{2})$"
_COMPACT_TIME = r"^(\d{2})(\d{2})(\d{2})$"


def times_from_date_and_time(
    dates: object, times: object, date_name: str, time_name: str, label: str
) -> np.ndarray | None:
    """int64 UTC nanoseconds from the two columns (Arrow arrays, numpy or pandas values), or
    None when ``times`` holds no time of day (it is then a full time, read on its own).
    DataError naming the rows whose date or time of day is not in an accepted form."""
    time_text = _text(times, time_name, pad_numbers=True)
    of_day = time_text.str.fullmatch(TIME_OF_DAY_PATTERN).fillna(False).to_numpy(dtype=bool)
    if not of_day.any():
        return None
    raw_times = time_text.to_numpy(dtype=object, na_value=None)
    if not of_day.all():
        positions = np.flatnonzero(~of_day)
        raise DataError(
            f"{label}: column {time_name!r} holds times of day to combine with column "
            f"{date_name!r}, but {rows_text(positions, raw_times)} "
            f"{'is not one' if len(positions) == 1 else 'are not'}. Accepted: {ACCEPTED_SPLIT}."
        )
    date_text = _text(dates, date_name, pad_numbers=False)
    parts = date_text.str.extract(_DATE_PATTERN)
    bad_date = parts[0].isna().to_numpy()
    if bad_date.any():
        positions = np.flatnonzero(bad_date)
        raise DataError(
            f"{label}: column {date_name!r} has values that are not dates in "
            f"{rows_text(positions, date_text.to_numpy(dtype=object, na_value=None))}. "
            f"Accepted: {ACCEPTED_SPLIT}."
        )
    day = parts[0] + "-" + parts[2] + "-" + parts[3]
    clock = time_text.str.replace(_COMPACT_TIME, r"\1:\2:\3", regex=True).str.replace(
        r"^(\d):", r"0\1:", regex=True
    )
    combined = day + "T" + clock
    parsed = pd.to_datetime(combined, utc=True, format="ISO8601", errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        positions = np.flatnonzero(bad)
        shown = (date_text + " " + time_text).to_numpy(dtype=object, na_value=None)
        raise DataError(
            f"{label}: columns {date_name!r} and {time_name!r} do not make a valid time in "
            f"{rows_text(positions, shown)}. Accepted: {ACCEPTED_SPLIT}."
        )
    return ns_from_datetimes(parsed, f"{date_name}+{time_name}", label, combined.to_numpy())


def _text(values: object, name: str, *, pad_numbers: bool) -> pd.Series:
    """Stripped text of a column; integer times (130000 read as a number, 0 for midnight) are
    zero-padded back to HHMMSS."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        numeric = pa.types.is_integer(values.type)
        if pa.types.is_timestamp(values.type):
            values = values.cast(pa.date32())
        text = pd.Series(values.cast(pa.string()).to_numpy(zero_copy_only=False), dtype="string")
    else:
        series = pd.Series(values)
        numeric = series.dtype.kind in "iu"
        text = series.astype("string")
    text = text.str.strip()
    if pad_numbers and numeric:
        text = text.str.zfill(6)
    return text
