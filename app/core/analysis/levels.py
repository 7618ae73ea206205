"""Support and resistance: swing highs and lows clustered into price levels.

A level is a band of pivots no wider than ``tolerance`` (a fraction of the median ATR, so the
band follows the instrument's volatility). Levels closer than that to a stronger one are the same
level and are dropped, so a price is never reported twice.
"""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import pandas as pd
import talib

from app.core.analysis.pivots import swing_highs, swing_lows
from app.core.frame import epoch_seconds

DEFAULT_LEVELS = 8
DEFAULT_PIVOT_ORDER = 5  # bars on each side of a swing high/low
DEFAULT_TOLERANCE_ATR = 0.75  # band width, in median ATRs
ATR_PERIOD = 14
# Weights of a level's strength: how often price turned there, how lately, on how much volume.
TOUCH_WEIGHT, RECENCY_WEIGHT, VOLUME_WEIGHT = 0.5, 0.3, 0.2


@dataclass(frozen=True)
class Level:
    price: float
    kind: Literal["support", "resistance"]  # below / above the last close
    touches: int  # pivots in the band, >= 2
    first_time: int  # UNIX seconds of the first and last pivot
    last_time: int
    strength: float  # 0..1

    def as_json(self) -> dict:
        return asdict(self)


def median_atr(high: np.ndarray, low: np.ndarray, close: np.ndarray) -> float:
    """Typical bar range (TA-Lib ATR, median over the frame; the high-low range when too short).

    >>> median_atr(np.array([2.0, 3.0]), np.array([1.0, 1.0]), np.array([1.5, 2.0]))
    1.5
    """
    if len(close) > ATR_PERIOD + 1:
        atr = talib.ATR(high, low, close, timeperiod=ATR_PERIOD)
        value = float(np.nanmedian(atr[ATR_PERIOD:]))
    else:
        value = float(np.median(high - low)) if len(close) else 0.0
    return value if np.isfinite(value) else 0.0


def cluster_starts(sorted_prices: np.ndarray, width: float) -> np.ndarray:
    """Greedy bands over sorted prices: each band starts at the first price above the previous
    band's start + ``width``. Returns each price's band number (0, 1, ...).

    >>> cluster_starts(np.array([1.0, 1.2, 1.4, 3.0, 3.1]), 0.5).tolist()
    [0, 0, 0, 1, 1]
    """
    prices = sorted_prices.tolist()  # bisect on a list: ~20x cheaper per step than searchsorted
    sizes: list[int] = []
    start, n = 0, len(prices)
    while start < n:  # one step per band, not per price
        stop = bisect.bisect_right(prices, prices[start] + width, lo=start)
        sizes.append(stop - start)
        start = stop
    return np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)


def find_levels(
    frame: pd.DataFrame,
    levels: int = DEFAULT_LEVELS,
    *,
    order: int = DEFAULT_PIVOT_ORDER,
    tolerance_atr: float = DEFAULT_TOLERANCE_ATR,
) -> list[Level]:
    """The ``levels`` strongest support/resistance levels of ``frame`` (canonical OHLCV), strongest
    first. Each has at least two touches (pivots within ``tolerance_atr`` median ATRs)."""
    n = len(frame)
    if n == 0 or levels < 1:
        return []
    high = frame["high"].to_numpy(dtype=np.float64)
    low = frame["low"].to_numpy(dtype=np.float64)
    close = frame["close"].to_numpy(dtype=np.float64)
    volume = frame["volume"].to_numpy(dtype=np.float64)
    highs, lows = swing_highs(high, order), swing_lows(low, order)
    index = np.concatenate([highs, lows])
    if len(index) < 2:
        return []
    prices = np.concatenate([high[highs], low[lows]])
    tolerance = max(tolerance_atr * median_atr(high, low, close), abs(close[-1]) * 1e-9, 1e-12)

    by_price = np.argsort(prices, kind="stable")
    prices, index = prices[by_price], index[by_price]
    labels = cluster_starts(prices, tolerance)
    bounds = np.r_[0, np.flatnonzero(np.diff(labels)) + 1]
    touches = np.diff(np.r_[bounds, len(prices)])
    centre = np.add.reduceat(prices, bounds) / touches
    first = np.minimum.reduceat(index, bounds)
    last = np.maximum.reduceat(index, bounds)
    pivot_volume = np.add.reduceat(volume[index], bounds) / touches

    keep = touches >= 2
    if not keep.any():
        return []
    touches, centre, first, last = touches[keep], centre[keep], first[keep], last[keep]
    strength = level_strength(touches, last / max(n - 1, 1), pivot_volume[keep], volume.mean())
    ranked = np.lexsort((-last, -touches, -strength))  # strongest, then most touched, most recent
    times = epoch_seconds(frame["time"])
    last_close = float(close[-1])
    picked: list[Level] = []
    for i in ranked:
        price = float(centre[i])
        if any(abs(price - level.price) <= tolerance for level in picked):
            continue  # the same level as a stronger one
        picked.append(
            Level(
                price=price,
                kind="support" if price < last_close else "resistance",
                touches=int(touches[i]),
                first_time=int(times[first[i]]),
                last_time=int(times[last[i]]),
                strength=round(float(strength[i]), 3),
            )
        )
        if len(picked) == levels:
            break
    return picked


def level_strength(
    touches: np.ndarray, recency: np.ndarray, pivot_volume: np.ndarray, mean_volume: float
) -> np.ndarray:
    """0..1: touches against the most touched level, recency (0 = first bar, 1 = last) and the
    pivots' volume against the average (average volume scores 0.5).

    >>> level_strength(np.array([4, 2]), np.array([1.0, 0.5]), np.array([10.0, 10.0]), 10.0)
    array([0.9, 0.5])
    """
    touch_score = touches / touches.max()
    if mean_volume > 0:
        ratio = pivot_volume / mean_volume
        volume_score = ratio / (1.0 + ratio)
    else:
        volume_score = np.zeros(len(touches))
    score = TOUCH_WEIGHT * touch_score + RECENCY_WEIGHT * recency + VOLUME_WEIGHT * volume_score
    return np.clip(score, 0.0, 1.0)
