"""Heikin Ashi candles, computed over a whole history (each open depends on the one before, so a
window's first candle is only right if the bars before it were seen).

    close = (open + high + low + close) / 4
    open  = (previous HA open + previous HA close) / 2, the first (open + close) / 2
    high  = max(high, HA open, HA close);  low = min(low, HA open, HA close)

Indicators drawn on a Heikin Ashi chart are computed from these candles, as TradingView does
(its indicators take the chart's candles as their source); volume is unchanged.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from app.core.errors import ParameterError, shorten
from app.core.frame import canonical_frame_from_ns, epoch_nanoseconds

ChartType = Literal["candles", "heikin_ashi"]
CHART_TYPES: tuple[str, ...] = ("candles", "heikin_ashi")


def parse_chart_type(value: str | None) -> ChartType:
    """``None``/empty -> ``candles``; ``heikin_ashi`` (also ``heikin-ashi``, ``ha``, any case)."""
    word = (value or "candles").strip().lower().replace("-", "_")
    if word in ("ha", "heikinashi"):
        word = "heikin_ashi"
    if word not in CHART_TYPES:
        message = (
            f"chart {shorten(value)!r} is not known; use candles or heikin_ashi (other chart "
            "types, such as line or bars, draw the same bars as candles)."
        )
        raise ParameterError("chart", message)
    return word  # type: ignore[return-value]


def heikin_ashi_arrays(
    open_: np.ndarray, high: np.ndarray, low: np.ndarray, close: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """HA open, high, low, close of float64 price arrays."""
    ha_close = (open_ + high + low + close) / 4.0
    if len(ha_close) == 0:
        return ha_close.copy(), ha_close.copy(), ha_close.copy(), ha_close
    # ha_open[i] = ha_open[i-1]/2 + ha_close[i-1]/2 is an exponential average with alpha 1/2
    # seeded on the first (open + close) / 2: pandas' ewm(adjust=False) runs it in C.
    seeded = np.concatenate(([(open_[0] + close[0]) / 2.0], ha_close[:-1]))
    ha_open = pd.Series(seeded).ewm(alpha=0.5, adjust=False).mean().to_numpy()
    ha_high = np.maximum(high, np.maximum(ha_open, ha_close))
    ha_low = np.minimum(low, np.minimum(ha_open, ha_close))
    return ha_open, ha_high, ha_low, ha_close


def heikin_ashi(frame: pd.DataFrame) -> pd.DataFrame:
    """A canonical frame of Heikin Ashi candles (same times and volume) from a canonical one."""
    prices = (
        np.ascontiguousarray(frame[name].to_numpy(dtype=np.float64))
        for name in ("open", "high", "low", "close")
    )
    ha_open, ha_high, ha_low, ha_close = heikin_ashi_arrays(*prices)
    volume = np.ascontiguousarray(frame["volume"].to_numpy(dtype=np.float64))
    result = canonical_frame_from_ns(
        epoch_nanoseconds(frame["time"]), ha_open, ha_high, ha_low, ha_close, volume
    )
    result.attrs.update(frame.attrs)
    return result
