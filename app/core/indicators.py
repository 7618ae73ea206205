"""Indicator math on canonical frames, through TA-Lib where it has the indicator.

EMA follows TradingView: seeded by the simple average of the first ``period`` closes, the first
``period - 1`` values empty (NaN) - which is exactly TA-Lib's EMA.

Every ``add_*`` function returns a new frame (the input is untouched; with pandas copy-on-write the
price columns are shared, not copied) with its columns appended, NaN while the indicator warms up.
VWAP is the one hand-written indicator: TA-Lib's ``VWAP`` accumulates from the first bar of the
whole series, whereas a chart's VWAP restarts every session (UTC day by default).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import talib

from app.core.errors import ParameterError
from app.core.frame import epoch_nanoseconds
from app.core.timeframes import bin_starts_ns, parse_timeframe

MIN_PERIOD, MAX_PERIOD = 2, 1000


def ema_column(period: int) -> str:
    return f"ema_{period}"


def _check_period(name: str, period: int, minimum: int = MIN_PERIOD) -> int:
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


def _with_columns(frame: pd.DataFrame, columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """``frame`` plus ``columns`` (replacing same-named ones) as a new frame, sharing data.

    One ``concat`` of the frame (copy-on-write: not copied) and the new arrays (``copy=False``);
    inserting columns one by one copies each array, which doubled the cost of four EMAs."""
    if not columns:
        return frame.copy(deep=False)
    replaced = [name for name in columns if name in frame.columns]
    base = frame.drop(columns=replaced) if replaced else frame
    added = pd.DataFrame(columns, index=frame.index, copy=False)
    return pd.concat([base, added], axis=1)


def _prices(frame: pd.DataFrame, column: str) -> np.ndarray:
    return np.ascontiguousarray(frame[column].to_numpy(dtype=np.float64))


def ema_values(close: np.ndarray, period: int) -> np.ndarray:
    """TradingView's EMA of ``close``: SMA seed of the first ``period`` values, NaN before it."""
    return talib.EMA(close, timeperiod=period)


def add_emas(frame: pd.DataFrame, periods: Sequence[int]) -> pd.DataFrame:
    """A copy of ``frame`` with one ``ema_<period>`` column per period."""
    close = _prices(frame, "close")
    columns = {}
    for period in dict.fromkeys(periods):
        period = _check_period("EMA period", period)
        columns[ema_column(period)] = talib.EMA(close, timeperiod=period)
    return _with_columns(frame, columns)


def add_smas(frame: pd.DataFrame, periods: Sequence[int]) -> pd.DataFrame:
    """``sma_<period>`` columns: simple moving averages of close."""
    close = _prices(frame, "close")
    columns = {
        f"sma_{p}": talib.SMA(close, timeperiod=_check_period("SMA period", p))
        for p in dict.fromkeys(periods)
    }
    return _with_columns(frame, columns)


def add_wmas(frame: pd.DataFrame, periods: Sequence[int]) -> pd.DataFrame:
    """``wma_<period>`` columns: linearly weighted moving averages of close."""
    close = _prices(frame, "close")
    columns = {
        f"wma_{p}": talib.WMA(close, timeperiod=_check_period("WMA period", p))
        for p in dict.fromkeys(periods)
    }
    return _with_columns(frame, columns)


def add_rsi(frame: pd.DataFrame, period: int = 14) -> pd.DataFrame:
    """``rsi_<period>``: Wilder's RSI of close, 0-100."""
    period = _check_period("RSI period", period)
    return _with_columns(frame, {f"rsi_{period}": talib.RSI(_prices(frame, "close"), period)})


def add_macd(frame: pd.DataFrame, fast: int = 12, slow: int = 26, signal: int = 9) -> pd.DataFrame:
    """``macd``, ``macd_signal``, ``macd_hist`` (fast EMA - slow EMA, its EMA, their gap).

    Built from ``talib.EMA`` rather than ``talib.MACD``: TA-Lib's MACD seeds the fast EMA at the
    slow one's first bar, so its early values differ from TradingView's (each EMA seeded on its
    own, the signal seeded on the first ``signal`` MACD values)."""
    fast = _check_period("MACD fast period", fast)
    slow = _check_period("MACD slow period", slow)
    signal = _check_period("MACD signal period", signal)
    if fast >= slow:
        raise ParameterError("MACD fast period", "MACD fast period must be below the slow one.")
    close = _prices(frame, "close")
    macd = talib.EMA(close, timeperiod=fast) - talib.EMA(close, timeperiod=slow)
    macd_signal = (
        talib.EMA(macd, timeperiod=signal)  # skips the leading NaNs
        if np.count_nonzero(~np.isnan(macd)) >= signal
        else np.full(len(macd), np.nan)
    )
    hist = macd - macd_signal
    return _with_columns(frame, {"macd": macd, "macd_signal": macd_signal, "macd_hist": hist})


def add_bollinger_bands(
    frame: pd.DataFrame, period: int = 20, deviations: float = 2.0
) -> pd.DataFrame:
    """``bb_upper``, ``bb_middle``, ``bb_lower``: SMA of close +- ``deviations`` std devs."""
    period = _check_period("Bollinger period", period)
    deviations = _check_deviations("Bollinger deviations", deviations)
    upper, middle, lower = talib.BBANDS(
        _prices(frame, "close"), timeperiod=period, nbdevup=deviations, nbdevdn=deviations
    )
    return _with_columns(frame, {"bb_upper": upper, "bb_middle": middle, "bb_lower": lower})


def add_atr(frame: pd.DataFrame, period: int = 14) -> pd.DataFrame:
    """``atr_<period>``: Wilder's average true range."""
    period = _check_period("ATR period", period)
    atr = talib.ATR(
        _prices(frame, "high"), _prices(frame, "low"), _prices(frame, "close"), timeperiod=period
    )
    return _with_columns(frame, {f"atr_{period}": atr})


def add_stochastic(
    frame: pd.DataFrame, k_period: int = 14, k_smoothing: int = 3, d_period: int = 3
) -> pd.DataFrame:
    """``stoch_k``, ``stoch_d``: slow stochastic oscillator, 0-100 (TradingView's 14, 3, 3)."""
    k_period = _check_period("Stochastic %K period", k_period)
    k_smoothing = _check_period("Stochastic %K smoothing", k_smoothing, minimum=1)  # 1: none
    d_period = _check_period("Stochastic %D period", d_period, minimum=1)
    slow_k, slow_d = talib.STOCH(
        _prices(frame, "high"),
        _prices(frame, "low"),
        _prices(frame, "close"),
        fastk_period=k_period,
        slowk_period=k_smoothing,
        slowd_period=d_period,
    )
    return _with_columns(frame, {"stoch_k": slow_k, "stoch_d": slow_d})


def add_obv(frame: pd.DataFrame) -> pd.DataFrame:
    """``obv``: on-balance volume."""
    return _with_columns(
        frame, {"obv": talib.OBV(_prices(frame, "close"), _prices(frame, "volume"))}
    )


def vwap_values(frame: pd.DataFrame, session: str = "1d") -> np.ndarray:
    """Volume-weighted average of the typical price (h+l+c)/3, restarting each ``session``
    (a timeframe name: ``1d`` = every UTC day, ``1w`` = every Monday). NaN until a session has
    traded volume."""
    session_tf = parse_timeframe(session)
    typical = (_prices(frame, "high") + _prices(frame, "low") + _prices(frame, "close")) / 3.0
    volume = _prices(frame, "volume")
    if len(frame) == 0:
        return typical
    sessions = bin_starts_ns(epoch_nanoseconds(frame["time"]), session_tf)
    starts = np.flatnonzero(np.diff(sessions, prepend=sessions[0] - 1))
    cum_pv = np.cumsum(typical * volume)
    cum_v = np.cumsum(volume)
    # Subtract the running totals reached just before each session began.
    lengths = np.diff(np.append(starts, len(frame)))
    before = np.repeat(np.concatenate(([0], starts[1:] - 1)), lengths)
    first = np.repeat(starts == 0, lengths)
    base_pv = np.where(first, 0.0, cum_pv[before])
    base_v = np.where(first, 0.0, cum_v[before])
    session_v = cum_v - base_v
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(session_v > 0, (cum_pv - base_pv) / session_v, np.nan)


def add_vwap(frame: pd.DataFrame, session: str = "1d") -> pd.DataFrame:
    """``vwap``: see :func:`vwap_values`."""
    return _with_columns(frame, {"vwap": vwap_values(frame, session)})
