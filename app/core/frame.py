"""The canonical OHLCV frame every source ends in.

Columns, in order: ``time`` (``datetime64[ns, UTC]``), ``open high low close volume`` (float64),
sorted by time, unique times, RangeIndex. ``volume`` is 0.0 where the input had none.
Indicator columns are added after these (``ema_10``, ``rsi_14``...).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

OHLCV_COLUMNS: tuple[str, ...] = ("time", "open", "high", "low", "close", "volume")
PRICE_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close")


def epoch_seconds(times: pd.Series) -> np.ndarray:
    """UNIX seconds (int64) of a tz-aware datetime column, whatever its unit (ns, us, ms, s).

    Lightweight Charts and our JSON API want seconds; ``astype('int64') // 10**9`` is wrong for
    the microsecond columns pandas 3 produces, which is why charts came out blank.
    """
    raise NotImplementedError
