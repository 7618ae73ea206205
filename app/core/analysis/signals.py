"""Indicator signals on the last bar: trend, RSI regime, MACD cross, Bollinger squeeze, levels.

Each is ``{name, state, detail}``: ``state`` a short fixed word a program can switch on, ``detail``
a sentence for people. Indicators are TA-Lib's, computed over the whole frame given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import talib

from app.core.analysis.levels import Level, median_atr
from app.core.precision import price_text

TREND_EMAS = (20, 50, 200)
ADX_PERIOD = 14
ADX_STRONG, ADX_WEAK = 25.0, 20.0
RSI_PERIOD = 14
RSI_OVERBOUGHT, RSI_OVERSOLD = 70.0, 30.0
MACD_CROSS_BARS = 5  # a MACD cross counts when it happened in this many last bars
BB_PERIOD, BB_DEVIATIONS = 20, 2.0
SQUEEZE_LOOKBACK = 120  # bars the band width is compared against
SQUEEZE_QUANTILE = 0.2  # width in its lowest fifth = squeeze
NEAR_LEVEL_ATR = 0.5  # price within half an ATR of a level is "near" it
# Signal names, in the order they are reported.
SIGNAL_NAMES = ("trend", "rsi", "macd", "bollinger", "level")


# A signal's state as people read it (``state`` stays the fixed word programs switch on).
STATE_LABELS = {
    "up": "uptrend",
    "down": "downtrend",
    "sideways": "no clear trend",
    "overbought": "overbought",
    "oversold": "oversold",
    "neutral": "neutral",
    "bullish_cross": "crossed above signal",
    "bearish_cross": "crossed below signal",
    "above_signal": "above signal line",
    "below_signal": "below signal line",
    "squeeze": "bands squeezed",
    "above_upper": "above upper band",
    "below_lower": "below lower band",
    "normal": "inside the bands",
    "near_support": "near support",
    "near_resistance": "near resistance",
    "none": "no level near",
    "unknown": "not enough bars",
}
SIGNAL_LABELS = {
    "trend": "Trend",
    "rsi": "RSI",
    "macd": "MACD",
    "bollinger": "Bollinger",
    "level": "Levels",
}


@dataclass(frozen=True)
class Signal:
    name: str
    state: str
    detail: str

    @property
    def label(self) -> str:
        """The signal's name as people read it (``MACD``)."""
        return SIGNAL_LABELS.get(self.name, self.name)

    @property
    def state_label(self) -> str:
        """The state in words, never a program's word.

        >>> Signal("macd", "below_signal", "").state_label
        'below signal line'
        """
        return STATE_LABELS.get(self.state, self.state.replace("_", " "))

    def as_json(self) -> dict:
        return {**asdict(self), "state_label": self.state_label}


def _last(values: np.ndarray) -> float:
    return float(values[-1]) if len(values) else float("nan")


def _price(value: float, decimals: int | None = None) -> str:
    return price_text(value, decimals)


def trend_signal(high: np.ndarray, low: np.ndarray, close: np.ndarray) -> Signal:
    """EMA 20/50/200 stacked in order gives the direction; ADX 14 says how strong it is."""
    slowest = TREND_EMAS[-1]
    if len(close) < slowest + 1:
        return Signal("trend", "unknown", f"needs {slowest + 1} bars, has {len(close)}")
    emas = [_last(talib.EMA(close, timeperiod=p)) for p in TREND_EMAS]
    adx = _last(talib.ADX(high, low, close, timeperiod=ADX_PERIOD))
    last = float(close[-1])
    strength = "strong" if adx >= ADX_STRONG else "weak" if adx < ADX_WEAK else "moderate"
    names = "/".join(str(p) for p in TREND_EMAS)
    if last > emas[0] > emas[1] > emas[2]:
        state, words = "up", f"close above EMA {names}, stacked upward"
    elif last < emas[0] < emas[1] < emas[2]:
        state, words = "down", f"close below EMA {names}, stacked downward"
    else:
        state, words = "sideways", f"EMA {names} not stacked"
    return Signal("trend", state, f"{words}; ADX {adx:.1f} ({strength})")


def rsi_signal(close: np.ndarray) -> Signal:
    if len(close) <= RSI_PERIOD:
        return Signal("rsi", "unknown", f"needs {RSI_PERIOD + 1} bars, has {len(close)}")
    recent = close[-RSI_PERIOD - 1 :]
    if (recent == recent[0]).all():  # TA-Lib says 0 (oversold) when nothing moved
        return Signal("rsi", "neutral", f"no price change in the last {RSI_PERIOD} bars")
    rsi = _last(talib.RSI(close, timeperiod=RSI_PERIOD))
    if rsi >= RSI_OVERBOUGHT:
        state = "overbought"
    elif rsi <= RSI_OVERSOLD:
        state = "oversold"
    else:
        state = "neutral"
    return Signal("rsi", state, f"RSI {RSI_PERIOD} at {rsi:.1f}")


def macd_signal(close: np.ndarray, within: int = MACD_CROSS_BARS) -> Signal:
    """A cross of MACD 12/26/9 over its signal line in the last ``within`` bars, else which side
    of it MACD is on."""
    if len(close) < 40:
        return Signal("macd", "unknown", f"needs 40 bars, has {len(close)}")
    macd, signal, _ = talib.MACD(close, fastperiod=12, slowperiod=26, signalperiod=9)
    above = macd > signal
    valid = ~np.isnan(signal)
    recent = np.flatnonzero(valid[-within - 1 :])
    side = above[-within - 1 :][recent]
    flips = np.flatnonzero(side[1:] != side[:-1])
    values = f"MACD {_last(macd):.4g}, signal {_last(signal):.4g}"
    if len(flips):
        ago = len(side) - 2 - int(flips[-1])
        when = "on the last bar" if ago == 0 else f"{ago} bar{'s' if ago > 1 else ''} ago"
        kind = "bullish_cross" if side[flips[-1] + 1] else "bearish_cross"
        word = "above" if kind == "bullish_cross" else "below"
        return Signal("macd", kind, f"MACD crossed {word} its signal {when}; {values}")
    state = "above_signal" if above[-1] else "below_signal"
    return Signal("macd", state, f"no cross in the last {within} bars; {values}")


def bollinger_signal(close: np.ndarray) -> Signal:
    """Squeeze: band width (upper - lower) / middle in the lowest fifth of its last 120 bars."""
    needed = BB_PERIOD + SQUEEZE_LOOKBACK
    if len(close) < needed:
        return Signal("bollinger", "unknown", f"needs {needed} bars, has {len(close)}")
    upper, middle, lower = talib.BBANDS(
        close, timeperiod=BB_PERIOD, nbdevup=BB_DEVIATIONS, nbdevdn=BB_DEVIATIONS
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        width = (upper[-SQUEEZE_LOOKBACK:] - lower[-SQUEEZE_LOOKBACK:]) / np.abs(
            middle[-SQUEEZE_LOOKBACK:]
        )
    now = float(width[-1])
    threshold = float(np.nanquantile(width, SQUEEZE_QUANTILE))
    percent = f"band width {now * 100:.2f}% of price"
    if now <= threshold:
        return Signal(
            "bollinger", "squeeze", f"{percent}, in the lowest fifth of {SQUEEZE_LOOKBACK} bars"
        )
    last = float(close[-1])
    if last > upper[-1]:
        return Signal("bollinger", "above_upper", f"close above the upper band; {percent}")
    if last < lower[-1]:
        return Signal("bollinger", "below_lower", f"close below the lower band; {percent}")
    return Signal("bollinger", "normal", f"close inside the bands; {percent}")


def level_signal(
    close: float, levels: Sequence[Level], atr: float, decimals: int | None = None
) -> Signal:
    """The nearest level, when the close is within half an ATR of it (prices at ``decimals``,
    the symbol's precision)."""
    if not levels:
        return Signal("level", "none", "no support or resistance level found")
    nearest = min(levels, key=lambda level: abs(level.price - close))
    distance = abs(nearest.price - close)
    where = f"{nearest.kind} {_price(nearest.price, decimals)} ({nearest.touches} touches)"
    if atr > 0 and distance <= NEAR_LEVEL_ATR * atr:
        said = f"close {_price(close, decimals)} is near {where}"
        return Signal("level", f"near_{nearest.kind}", said)
    percent = distance / abs(close) * 100 if close else 0.0
    return Signal("level", "none", f"nearest level is {where}, {percent:.2f}% away")


def compute_signals(
    frame: pd.DataFrame, levels: Sequence[Level] = (), decimals: int | None = None
) -> list[Signal]:
    """The five signals on ``frame``'s last bar (canonical OHLCV, oldest first). Give it more
    bars than you analyse: EMA 200 needs 201 to say anything. Prices in the details are at
    ``decimals`` (the symbol's precision; by magnitude when None)."""
    if len(frame) == 0:
        return [Signal(name, "unknown", "no bars") for name in SIGNAL_NAMES]
    high = frame["high"].to_numpy(dtype=np.float64)
    low = frame["low"].to_numpy(dtype=np.float64)
    close = frame["close"].to_numpy(dtype=np.float64)
    recent = slice(max(0, len(close) - 500), None)  # ATR of the recent past, not of all history
    atr = median_atr(high[recent], low[recent], close[recent])
    return [
        trend_signal(high, low, close),
        rsi_signal(close),
        macd_signal(close),
        bollinger_signal(close),
        level_signal(float(close[-1]), levels, atr, decimals),
    ]
