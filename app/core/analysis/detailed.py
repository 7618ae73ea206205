"""The detailed English analysis (``analysis`` of POST /api/v1/analyze): the overview, then every
signal, level and recent spike with what it means, prices at the symbol's precision."""

from __future__ import annotations

from app.core.analysis.analyse import Analysis
from app.core.analysis.summary import _when

MAX_SPIKES_LISTED = 5

MEANING = {
    ("trend", "up"): "buyers have been in control; pullbacks toward the EMAs are often bought.",
    ("trend", "down"): "sellers have been in control; rallies toward the EMAs are often sold.",
    ("trend", "sideways"): "no side is in control; range levels matter more than direction.",
    ("trend", "unknown"): "too few bars for EMA 200; judge the trend on a longer history.",
    ("rsi", "overbought"): "momentum is stretched upward; a pause or pullback is common.",
    ("rsi", "oversold"): "momentum is stretched downward; a bounce is common.",
    ("rsi", "neutral"): "momentum is balanced.",
    ("macd", "bullish_cross"): "momentum has just turned up.",
    ("macd", "bearish_cross"): "momentum has just turned down.",
    ("macd", "above_signal"): "momentum is positive.",
    ("macd", "below_signal"): "momentum is negative.",
    ("bollinger", "squeeze"): "volatility is unusually low; a large move often follows.",
    ("bollinger", "above_upper"): "price is unusually high against its recent range.",
    ("bollinger", "below_lower"): "price is unusually low against its recent range.",
    ("bollinger", "normal"): "price is within its usual range.",
    ("level", "near_support"): "price is at support: a bounce or a break decides the next move.",
    ("level", "near_resistance"): "price is at resistance: a rejection or a breakout is next.",
}
TITLES = {"trend": "Trend", "rsi": "RSI", "macd": "MACD", "bollinger": "Bollinger bands"}


def _utc(seconds: int | None, timeframe: str | None = None) -> str:
    if seconds is None:
        return "-"
    return _when(seconds, timeframe)


def write_detailed(analysis: Analysis, overview: str | None = None) -> str:
    """Plain text in paragraphs and ``-`` lists; ``overview`` (the LLM's narrative when there is
    one) leads, else the rule summary."""
    price = analysis.price

    def when(seconds: int | None) -> str:
        return _utc(seconds, analysis.timeframe)

    bars = f"{analysis.bars:,} bars"
    head = f"{analysis.symbol} on {analysis.timeframe}: technical analysis of {bars}"
    if analysis.as_of is None or analysis.last_close is None:
        return head + ". There are no bars to analyse."
    lines = [
        f"{head} up to {when(analysis.as_of)}, last close {price(analysis.last_close)}.",
        "",
        overview or analysis.summary,
        "",
        "Signals:",
    ]
    for signal in analysis.signals:
        if signal.name == "level":
            continue
        meaning = MEANING.get((signal.name, signal.state), "")
        title = TITLES.get(signal.name, signal.name)
        state = signal.state.replace("_", " ")
        lines.append(f"- {title}: {state} ({signal.detail}). {meaning[:1].upper()}{meaning[1:]}")
    lines += ["", f"Support and resistance ({len(analysis.levels)} levels, strongest first):"]
    if not analysis.levels:
        lines.append("- none: no price was turned at twice in the window.")
    for level in analysis.levels:
        away = (level.price - analysis.last_close) / analysis.last_close * 100
        side = "above" if away >= 0 else "below"
        lines.append(
            f"- {level.kind.capitalize()} at {price(level.price)}: {level.touches} touches from "
            f"{when(level.first_time)} to {when(level.last_time)}, strength {level.strength:.2f}, "
            f"{abs(away):.2f}% {side} the close."
        )
    level_signal = next((s for s in analysis.signals if s.name == "level"), None)
    if level_signal is not None and (meaning := MEANING.get(("level", level_signal.state))):
        lines.append(f"Now: {meaning}")
    spikes = analysis.volume_spikes
    lines += ["", f"Volume spikes ({len(spikes)} in the window):"]
    if not spikes:
        lines.append("- none: no bar traded far above the volume of the bars before it.")
    for spike in list(spikes)[-MAX_SPIKES_LISTED:][::-1]:
        times = f"{spike.volume / spike.mean:.1f}x the mean" if spike.mean > 0 else "after none"
        z = f"z-score {spike.zscore:.1f}" if spike.zscore is not None else "flat volume before"
        lines.append(f"- {when(spike.time)}: volume {spike.volume:,.2f}, {times} ({z}).")
    if spikes:
        lines.append(
            "Unusual volume shows where large traders acted; a spike at a level or with a "
            "breakout gives that move more weight."
        )
    lines += ["", "Not financial advice."]
    return "\n".join(lines)
