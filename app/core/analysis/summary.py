"""The rule-written summary: one deterministic paragraph from the signals, levels and spikes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from app.core.analysis.levels import Level
from app.core.analysis.signals import Signal, _price
from app.core.analysis.spikes import Spike

TREND_WORDS = {
    "up": "is in an uptrend",
    "down": "is in a downtrend",
    "sideways": "has no clear trend",
    "unknown": "has too little history to judge its trend",
}
RSI_WORDS = {
    "overbought": "RSI is overbought",
    "oversold": "RSI is oversold",
    "neutral": "RSI is neutral",
}
MACD_WORDS = {
    "bullish_cross": "MACD has just crossed above its signal line",
    "bearish_cross": "MACD has just crossed below its signal line",
    "above_signal": "MACD is above its signal line",
    "below_signal": "MACD is below its signal line",
}
BOLLINGER_WORDS = {
    "squeeze": "the Bollinger bands are squeezed, which often comes before a large move",
    "above_upper": "price is above the upper Bollinger band",
    "below_lower": "price is below the lower Bollinger band",
}


def _when(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + "."


def write_summary(
    symbol: str,
    timeframe: str,
    last_close: float,
    levels: Sequence[Level],
    spikes: Sequence[Spike],
    signals: Sequence[Signal],
) -> str:
    """One paragraph, the same words for the same analysis (no clock, no randomness).

    >>> print(write_summary("BTC", "1h", 100.0, [], [], []))  # doctest: +NORMALIZE_WHITESPACE
    BTC on 1h closed at 100.00. No support or resistance level with two touches was found.
    No volume spike in the window.
    """
    states = {signal.name: signal for signal in signals}
    parts = [f"{symbol} on {timeframe} closed at {_price(last_close)}"]
    trend = states.get("trend")
    if trend is not None:
        parts[0] += f" and {TREND_WORDS.get(trend.state, 'has an unclear trend')}"
        if trend.state in ("up", "down"):
            parts[0] += f", {trend.detail.split('; ')[-1]}"
    sentences = [parts[0] + "."]  # the symbol as written, not capitalised
    momentum = [
        words[state.state]
        for key, words in (("rsi", RSI_WORDS), ("macd", MACD_WORDS), ("bollinger", BOLLINGER_WORDS))
        if (state := states.get(key)) is not None and state.state in words
    ]
    if momentum:
        sentences.append(
            _sentence(
                ", ".join(momentum[:-1]) + (" and " if len(momentum) > 1 else "") + momentum[-1]
            )
        )
    supports = [lv for lv in levels if lv.kind == "support"]
    resistances = [lv for lv in levels if lv.kind == "resistance"]
    near = [lv for lv in supports if lv.price <= last_close]
    below = max(near, key=lambda lv: lv.price) if near else None
    far = [lv for lv in resistances if lv.price >= last_close]
    above = min(far, key=lambda lv: lv.price) if far else None
    if below is None and above is None:
        sentences.append("No support or resistance level with two touches was found.")
    else:
        found = []
        if below is not None:
            found.append(f"support is at {_price(below.price)} ({below.touches} touches)")
        if above is not None:
            found.append(f"resistance is at {_price(above.price)} ({above.touches} touches)")
        sentences.append(_sentence("the nearest " + " and the nearest ".join(found)))
    level = states.get("level")
    if level is not None and level.state.startswith("near_"):
        sentences.append(f"Price is testing that {level.state.removeprefix('near_')}.")
    if spikes:
        latest = spikes[-1]
        z = f"z-score {latest.zscore:.1f}" if latest.zscore is not None else "flat volume before"
        count = f"{len(spikes)} volume spike{'s' if len(spikes) > 1 else ''}"
        sentences.append(f"{count} in the window, the latest at {_when(latest.time)} ({z}).")
    else:
        sentences.append("No volume spike in the window.")
    return " ".join(sentences)
