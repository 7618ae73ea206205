"""Indicator math on canonical frames, through TA-Lib where it has the indicator.

EMA follows TradingView: seeded by the simple average of the first ``period`` closes, the first
``period - 1`` values empty (NaN) - which is exactly TA-Lib's EMA.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def ema_column(period: int) -> str:
    return f"ema_{period}"


def add_emas(frame: pd.DataFrame, periods: Sequence[int]) -> pd.DataFrame:
    """A copy of ``frame`` with one ``ema_<period>`` column per period."""
    raise NotImplementedError
