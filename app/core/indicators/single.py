"""One ``add_*`` function per indicator, for callers that want fixed column names
(``macd``, ``bb_upper``, ``stoch_k``...) rather than a catalog spec's (``macd_12_26_9``).

EMA follows TradingView: seeded by the simple average of the first ``period`` closes, the first
``period - 1`` values empty (NaN) - which is exactly TA-Lib's EMA. Every function returns a new
frame (the input is untouched; with pandas copy-on-write the price columns are shared, not
copied) with its columns appended, NaN while the indicator warms up.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import talib

from app.core.errors import ParameterError
from app.core.indicators.catalog import MAX_PERIOD, MIN_PERIOD
from app.core.indicators.compute import Prices, ema_line, macd_lines, with_columns
from app.core.indicators.vwap import vwap_values

TALIB_MIN_PERIOD = 2  # RSI, BBANDS and most TA-Lib functions refuse a period of 1


def ema_column(period: int) -> str:
    return f"ema_{period}"


def _check_period(name: str, period: int, minimum: int = TALIB_MIN_PERIOD) -> int:
    """A whole number from ``minimum`` to MAX_PERIOD, or ParameterError naming ``name``."""
    if isinstance(period, bool) or not isinstance(period, (int, np.integer)):
        raise ParameterError(name, f"{name} must be a whole number, got {period!r}.")
    if not minimum <= period <= MAX_PERIOD:
        raise ParameterError(name, f"{name} must be from {minimum} to {MAX_PERIOD}, got {period}.")
    return int(period)


def _check_deviations(name: str, value: float) -> float:
    """A number above 0 and at most 10 (text such as ``"2"`` is refused: TA-Lib would raise
    TypeError)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ParameterError(
            name, f"{name} must be a number above 0 and at most 10, got {value!r}."
        )
    if not 0 < value <= 10:  # False for NaN too
        raise ParameterError(name, f"{name} must be above 0 and at most 10, got {value}.")
    return float(value)


def ema_values(close: np.ndarray, period: int) -> np.ndarray:
    """TradingView's EMA of ``close``: SMA seed of the first ``period`` values, NaN before it."""
    return ema_line(close, period)


def add_emas(frame: pd.DataFrame, periods: Sequence[int]) -> pd.DataFrame:
    """A copy of ``frame`` with one ``ema_<period>`` column per period."""
    close = Prices(frame).close
    columns = {}
    for period in dict.fromkeys(periods):
        period = _check_period("EMA period", period, MIN_PERIOD)
        columns[ema_column(period)] = ema_line(close, period)
    return with_columns(frame, columns)


def add_smas(frame: pd.DataFrame, periods: Sequence[int]) -> pd.DataFrame:
    """``sma_<period>`` columns: simple moving averages of close."""
    close = Prices(frame).close
    columns = {
        f"sma_{p}": talib.SMA(close, timeperiod=_check_period("SMA period", p, MIN_PERIOD))
        for p in dict.fromkeys(periods)
    }
    return with_columns(frame, columns)


def add_wmas(frame: pd.DataFrame, periods: Sequence[int]) -> pd.DataFrame:
    """``wma_<period>`` columns: linearly weighted moving averages of close."""
    close = Prices(frame).close
    columns = {
        f"wma_{p}": talib.WMA(close, timeperiod=_check_period("WMA period", p, MIN_PERIOD))
        for p in dict.fromkeys(periods)
    }
    return with_columns(frame, columns)


def add_rsi(frame: pd.DataFrame, period: int = 14) -> pd.DataFrame:
    """``rsi_<period>``: Wilder's RSI of close, 0-100."""
    period = _check_period("RSI period", period)
    return with_columns(frame, {f"rsi_{period}": talib.RSI(Prices(frame).close, period)})


def add_macd(frame: pd.DataFrame, fast: int = 12, slow: int = 26, signal: int = 9) -> pd.DataFrame:
    """``macd``, ``macd_signal``, ``macd_hist`` (fast EMA - slow EMA, its EMA, their gap), as
    TradingView computes them (see :func:`app.core.indicators.compute.macd_lines`)."""
    fast = _check_period("MACD fast period", fast, MIN_PERIOD)
    slow = _check_period("MACD slow period", slow)
    signal = _check_period("MACD signal period", signal, MIN_PERIOD)
    if fast >= slow:
        raise ParameterError("MACD fast period", "MACD fast period must be below the slow one.")
    macd, macd_signal, hist = macd_lines(Prices(frame).close, fast, slow, signal)
    return with_columns(frame, {"macd": macd, "macd_signal": macd_signal, "macd_hist": hist})


def add_bollinger_bands(
    frame: pd.DataFrame, period: int = 20, deviations: float = 2.0
) -> pd.DataFrame:
    """``bb_upper``, ``bb_middle``, ``bb_lower``: SMA of close +- ``deviations`` std devs."""
    period = _check_period("Bollinger period", period)
    deviations = _check_deviations("Bollinger deviations", deviations)
    upper, middle, lower = talib.BBANDS(
        Prices(frame).close, timeperiod=period, nbdevup=deviations, nbdevdn=deviations
    )
    return with_columns(frame, {"bb_upper": upper, "bb_middle": middle, "bb_lower": lower})


def add_atr(frame: pd.DataFrame, period: int = 14) -> pd.DataFrame:
    """``atr_<period>``: Wilder's average true range."""
    period = _check_period("ATR period", period, MIN_PERIOD)
    p = Prices(frame)
    return with_columns(frame, {f"atr_{period}": talib.ATR(p.high, p.low, p.close, period)})


def add_stochastic(
    frame: pd.DataFrame, k_period: int = 14, k_smoothing: int = 3, d_period: int = 3
) -> pd.DataFrame:
    """``stoch_k``, ``stoch_d``: slow stochastic oscillator, 0-100 (TradingView's 14, 3, 3)."""
    k_period = _check_period("Stochastic %K period", k_period, MIN_PERIOD)
    k_smoothing = _check_period("Stochastic %K smoothing", k_smoothing, minimum=1)  # 1: none
    d_period = _check_period("Stochastic %D period", d_period, minimum=1)
    p = Prices(frame)
    slow_k, slow_d = talib.STOCH(
        p.high,
        p.low,
        p.close,
        fastk_period=k_period,
        slowk_period=k_smoothing,
        slowd_period=d_period,
    )
    return with_columns(frame, {"stoch_k": slow_k, "stoch_d": slow_d})


def add_obv(frame: pd.DataFrame) -> pd.DataFrame:
    """``obv``: on-balance volume."""
    p = Prices(frame)
    return with_columns(frame, {"obv": talib.OBV(p.close, p.volume)})


def add_vwap(frame: pd.DataFrame, session: str = "1d") -> pd.DataFrame:
    """``vwap``: see :func:`app.core.indicators.vwap.vwap_values`."""
    return with_columns(frame, {"vwap": vwap_values(frame, session)})
