"""Catalog indicators computed with TA-Lib on a canonical frame's arrays.

Each function takes the frame's price arrays and a spec's parameters and returns one array per
output, in the catalog's order, NaN while the indicator warms up. The arrays are read from the
frame once per call of :func:`add_indicators`, however many indicators share them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import talib

from app.core.frame import epoch_nanoseconds
from app.core.indicators.spec import IndicatorSpec
from app.core.indicators.vwap import session_starts, session_vwap


class Prices:
    """A frame's float64 columns (and UTC-day session starts), read on first use."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._arrays: dict[str, np.ndarray] = {}

    def __getattr__(self, name: str) -> np.ndarray:
        if name.startswith("_") or name == "frame":
            raise AttributeError(name)
        array = self._arrays.get(name)
        if array is None:
            if name == "day_starts":
                array = session_starts(epoch_nanoseconds(self.frame["time"]), "1d")
            else:
                array = np.ascontiguousarray(self.frame[name].to_numpy(dtype=np.float64))
            self._arrays[name] = array
        return array


Outputs = tuple[np.ndarray, ...]


def ema_line(values: np.ndarray, period: int) -> np.ndarray:
    """TradingView's EMA (TA-Lib's): SMA seed of the first ``period`` values, NaN before it."""
    return talib.EMA(values, timeperiod=period)


def macd_lines(close: np.ndarray, fast: int, slow: int, signal: int) -> Outputs:
    """Fast EMA - slow EMA, its EMA from its first value, and their gap. Built from
    ``talib.EMA`` rather than ``talib.MACD``: TA-Lib's MACD seeds the fast EMA at the slow one's
    first bar, so its early values differ from TradingView's."""
    macd = ema_line(close, fast) - ema_line(close, slow)
    if np.count_nonzero(~np.isnan(macd)) >= signal:
        macd_signal = ema_line(macd, signal)  # TA-Lib skips the leading NaNs: seeded on the
    else:  # first ``signal`` MACD values
        macd_signal = np.full(len(macd), np.nan)
    return macd, macd_signal, macd - macd_signal


def _hlc(p: Prices) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return p.high, p.low, p.close


def _bbands(p: Prices, period: int, stddev: float) -> Outputs:
    return talib.BBANDS(p.close, timeperiod=period, nbdevup=stddev, nbdevdn=stddev, matype=0)


def _stoch(p: Prices, k: int, k_smoothing: int, d: int) -> Outputs:
    return talib.STOCH(
        *_hlc(p),
        fastk_period=k,
        slowk_period=k_smoothing,
        slowk_matype=0,  # SMA smoothing, as TradingView
        slowd_period=d,
        slowd_matype=0,
    )


COMPUTE: dict[str, Callable[..., Outputs]] = {
    "sma": lambda p, n: (talib.SMA(p.close, timeperiod=n),),
    "ema": lambda p, n: (ema_line(p.close, n),),
    "wma": lambda p, n: (talib.WMA(p.close, timeperiod=n),),
    "bb": _bbands,
    "vwap": lambda p: (session_vwap(p.high, p.low, p.close, p.volume, p.day_starts),),
    "psar": lambda p, acc, top: (talib.SAR(p.high, p.low, acceleration=acc, maximum=top),),
    "rsi": lambda p, n: (talib.RSI(p.close, timeperiod=n),),
    "macd": lambda p, fast, slow, signal: macd_lines(p.close, fast, slow, signal),
    "stoch": _stoch,
    "atr": lambda p, n: (talib.ATR(*_hlc(p), timeperiod=n),),
    "adx": lambda p, n: (talib.ADX(*_hlc(p), timeperiod=n),),
    "mfi": lambda p, n: (talib.MFI(*_hlc(p), p.volume, timeperiod=n),),
    "obv": lambda p: (talib.OBV(p.close, p.volume),),
    "cci": lambda p, n: (talib.CCI(*_hlc(p), timeperiod=n),),
    "willr": lambda p, n: (talib.WILLR(*_hlc(p), timeperiod=n),),
}


def indicator_columns(
    frame: pd.DataFrame, specs: Sequence[IndicatorSpec], prices: Prices | None = None
) -> dict[str, np.ndarray]:
    """Each spec's output columns, by column name (TA-Lib needs at least one bar; an empty
    frame gets empty columns)."""
    prices = prices or Prices(frame)
    columns: dict[str, np.ndarray] = {}
    for spec in dict.fromkeys(specs):
        if len(frame) == 0:
            outputs: Outputs = tuple(np.zeros(0) for _ in spec.columns)
        else:
            outputs = COMPUTE[spec.name](prices, *spec.params)
        columns.update(zip(spec.columns, outputs, strict=True))
    return columns


def with_columns(frame: pd.DataFrame, columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """``frame`` plus ``columns`` (replacing same-named ones) as a new frame, sharing data.

    One ``concat`` of the frame (copy-on-write: not copied) and the new arrays (``copy=False``);
    inserting columns one by one copies each array, which doubled the cost of four EMAs."""
    if not columns:
        return frame.copy(deep=False)
    replaced = [name for name in columns if name in frame.columns]
    base = frame.drop(columns=replaced) if replaced else frame
    added = pd.DataFrame(columns, index=frame.index, copy=False)
    return pd.concat([base, added], axis=1)


def add_indicators(frame: pd.DataFrame, specs: Sequence[IndicatorSpec]) -> pd.DataFrame:
    """A new frame: ``frame`` plus each spec's output columns (NaN while warming up)."""
    return with_columns(frame, indicator_columns(frame, specs))
