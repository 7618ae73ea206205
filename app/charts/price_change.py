"""The last bar's change against the previous close, as both dashboards' summaries show it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class PriceChange:
    absolute: float  # last close minus the previous close
    percent: float | None  # relative to the previous close's size; None when that close is 0


def last_change(closes: pd.Series) -> PriceChange | None:
    """None with fewer than two closes. The percentage divides by ``abs(previous)`` so that its
    sign is the move's: from -10 to -5 is +50%, not -50% (spreads and some futures go negative)."""
    if len(closes) < 2:
        return None
    previous, last = float(closes.iloc[-2]), float(closes.iloc[-1])
    change = last - previous
    return PriceChange(change, change / abs(previous) * 100 if previous else None)
