"""The rule-written summary: one deterministic paragraph from the signals, levels and spikes.

The facts are picked once (:func:`summary_facts`) and written by a template per language:
English here, Persian in ``summary_fa`` (the same facts, not a translation of the text).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.analysis.levels import Level
from app.core.analysis.signals import Signal
from app.core.analysis.spikes import Spike
from app.core.bar_dates import INTRADAY_FORMAT, bar_time_format, format_bar_time
from app.core.precision import price_text

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


def _when(seconds: int, timeframe: str | None = None) -> str:
    """A bar's time by the core's rule for its timeframe (``May '18``, ``2018-05-07``, intraday
    with the time and UTC)."""
    text = format_bar_time(seconds, timeframe)
    return text + " UTC" if bar_time_format(timeframe) == INTRADAY_FORMAT else text


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + "."


@dataclass(frozen=True)
class SummaryFacts:
    """What a rule summary says, once, whatever the language it is written in."""

    symbol: str
    timeframe: str
    close: float
    decimals: int | None  # the symbol's price precision; None: by magnitude
    trend: str | None  # up / down / sideways / unknown; None when not computed
    adx: float | None
    adx_strength: str | None  # strong / moderate / weak
    momentum: tuple[tuple[str, str], ...]  # (signal, state) of rsi, macd, bollinger worth saying
    support: Level | None  # the nearest at or below the close
    resistance: Level | None  # the nearest at or above the close
    testing: str | None  # "support" / "resistance" when the close is near that level
    spike_count: int
    latest_spike_time: int | None
    latest_spike_z: float | None  # None: the volumes before it were flat

    def price(self, value: float) -> str:
        return price_text(value, self.decimals)


_ADX = re.compile(r"ADX (\S+) \((\w+)\)")
_MOMENTUM_WORDS = {"rsi": RSI_WORDS, "macd": MACD_WORDS, "bollinger": BOLLINGER_WORDS}


def summary_facts(
    symbol: str,
    timeframe: str,
    last_close: float,
    levels: Sequence[Level],
    spikes: Sequence[Spike],
    signals: Sequence[Signal],
    decimals: int | None = None,
) -> SummaryFacts:
    """The facts of the summary, picked from the analysis (the nearest levels, the momentum
    states worth a word, the latest spike)."""
    states = {signal.name: signal for signal in signals}
    trend = states.get("trend")
    adx = strength = None
    if trend is not None and (match := _ADX.search(trend.detail)):
        adx, strength = float(match.group(1)), match.group(2)
    momentum = tuple(
        (name, state.state)
        for name, words in _MOMENTUM_WORDS.items()
        if (state := states.get(name)) is not None and state.state in words
    )
    near = [lv for lv in levels if lv.kind == "support" and lv.price <= last_close]
    far = [lv for lv in levels if lv.kind == "resistance" and lv.price >= last_close]
    level = states.get("level")
    testing = (
        level.state.removeprefix("near_")
        if level is not None and level.state.startswith("near_")
        else None
    )
    latest = spikes[-1] if spikes else None
    return SummaryFacts(
        symbol=symbol,
        timeframe=timeframe,
        close=last_close,
        decimals=decimals,
        trend=trend.state if trend is not None else None,
        adx=adx,
        adx_strength=strength,
        momentum=momentum,
        support=max(near, key=lambda lv: lv.price) if near else None,
        resistance=min(far, key=lambda lv: lv.price) if far else None,
        testing=testing,
        spike_count=len(spikes),
        latest_spike_time=latest.time if latest else None,
        latest_spike_z=latest.zscore if latest else None,
    )


def write_summary(
    symbol: str,
    timeframe: str,
    last_close: float,
    levels: Sequence[Level],
    spikes: Sequence[Spike],
    signals: Sequence[Signal],
    decimals: int | None = None,
) -> str:
    """One paragraph, the same words for the same analysis (no clock, no randomness).

    >>> print(write_summary("BTC", "1h", 100.0, [], [], []))  # doctest: +NORMALIZE_WHITESPACE
    BTC on 1h closed at 100.00. No support or resistance level with two touches was found.
    No volume spike in the window.
    """
    facts = summary_facts(symbol, timeframe, last_close, levels, spikes, signals, decimals)
    return write_english(facts)


def write_english(facts: SummaryFacts) -> str:
    """The English rule summary of ``facts``."""
    first = f"{facts.symbol} on {facts.timeframe} closed at {facts.price(facts.close)}"
    if facts.trend is not None:
        first += f" and {TREND_WORDS.get(facts.trend, 'has an unclear trend')}"
        if facts.trend in ("up", "down") and facts.adx is not None:
            first += f", ADX {facts.adx:.1f} ({facts.adx_strength})"
    sentences = [first + "."]  # the symbol as written, not capitalised
    momentum = [_MOMENTUM_WORDS[name][state] for name, state in facts.momentum]
    if momentum:
        sentences.append(
            _sentence(
                ", ".join(momentum[:-1]) + (" and " if len(momentum) > 1 else "") + momentum[-1]
            )
        )
    below, above = facts.support, facts.resistance
    if below is None and above is None:
        sentences.append("No support or resistance level with two touches was found.")
    else:
        found = []
        if below is not None:
            found.append(f"support is at {facts.price(below.price)} ({below.touches} touches)")
        if above is not None:
            found.append(f"resistance is at {facts.price(above.price)} ({above.touches} touches)")
        sentences.append(_sentence("the nearest " + " and the nearest ".join(found)))
    if facts.testing is not None:
        sentences.append(f"Price is testing that {facts.testing}.")
    if facts.spike_count:
        z = facts.latest_spike_z
        shown = f"z-score {z:.1f}" if z is not None else "flat volume before"
        count = f"{facts.spike_count} volume spike{'s' if facts.spike_count > 1 else ''}"
        when = _when(facts.latest_spike_time or 0, facts.timeframe)
        sentences.append(f"{count} in the window, the latest at {when} ({shown}).")
    else:
        sentences.append("No volume spike in the window.")
    return " ".join(sentences)
