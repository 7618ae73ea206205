"""The canonical OHLCV frame every source ends in.

Columns, in order: ``time`` (``datetime64[ns, UTC]``), ``open high low close volume`` (float64),
sorted by time, unique times, RangeIndex. ``volume`` is 0.0 where the input had none.
Indicator columns are added after these (``ema_10``, ``rsi_14``...).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

OHLCV_COLUMNS: tuple[str, ...] = ("time", "open", "high", "low", "close", "volume")
PRICE_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close")
TIME_DTYPE = pd.DatetimeTZDtype(unit="ns", tz="UTC")
NOTICES_ATTR = "superchart_notices"  # ``frame.attrs`` key: what the loader fixed, for the user


def frame_notices(frame: pd.DataFrame) -> tuple[str, ...]:
    """What the loader fixed on the way in (rows sorted, ...), as sentences to show the user."""
    return tuple(frame.attrs.get(NOTICES_ATTR, ()))


def epoch_seconds(times: pd.Series | pd.Index) -> np.ndarray:
    """UNIX seconds (int64) of a tz-aware datetime column, whatever its unit (ns, us, ms, s).

    Lightweight Charts and our JSON API want seconds; ``astype('int64') // 10**9`` is wrong for
    the microsecond columns pandas 3 produces, which is why charts came out blank.
    """
    return _utc_datetime64(times).astype("datetime64[s]").astype(np.int64)


def epoch_nanoseconds(times: pd.Series | pd.Index) -> np.ndarray:
    """UNIX nanoseconds (int64) of a datetime column, whatever its unit; a view when already ns."""
    values = _utc_datetime64(times)
    if values.dtype != np.dtype("datetime64[ns]"):
        values = values.astype("datetime64[ns]")
    return values.view(np.int64)


def _utc_datetime64(times: pd.Series | pd.Index) -> np.ndarray:
    """The UTC ``datetime64`` numpy values behind a datetime column, in the column's own unit
    (a view, not a copy, for tz-aware and naive columns alike)."""
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        if isinstance(times, pd.Series):
            return times.dt.tz_convert(None).to_numpy()
        return times.tz_convert(None).to_numpy()
    if times.dtype.kind == "M":
        return times.to_numpy()
    return pd.DatetimeIndex(pd.to_datetime(times, utc=True)).tz_convert(None).to_numpy()


_ARROW_TIME = pa.timestamp("ns", "UTC")


def canonical_frame_from_ns(
    times_ns: np.ndarray,
    open_: np.ndarray,
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    volume: np.ndarray,
) -> pd.DataFrame:
    """The canonical frame from int64 UTC nanoseconds and float64 arrays, all already checked.

    Through an Arrow table, whose ``to_pandas(split_blocks=True)`` wraps every column without
    copying, the times included: pandas' own constructors copy tz-aware times (8 MB at 1M rows).
    NaN stays NaN (a float, not a missing value).

    The frame is read-only (``frame.loc[...] =`` raises): loaded frames are shared through the
    caches, so an in-place edit would change every later answer. ``frame.copy()`` to edit one.
    """
    columns = [pa.array(times_ns, type=pa.int64()).view(_ARROW_TIME)]
    columns += [pa.array(values, type=pa.float64()) for values in (open_, high, low, close, volume)]
    table = pa.Table.from_arrays(columns, names=list(OHLCV_COLUMNS))
    return table.to_pandas(split_blocks=True)
