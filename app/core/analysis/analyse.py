"""One call for the whole analysis of a symbol's recent bars: levels, spikes, signals, summary."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pandas as pd

from app.core.analysis.levels import DEFAULT_LEVELS, Level, find_levels
from app.core.analysis.signals import Signal, compute_signals
from app.core.analysis.spikes import DEFAULT_SIGMA, DEFAULT_WINDOW, Spike, find_volume_spikes
from app.core.analysis.summary import SummaryFacts, summary_facts, write_english
from app.core.analysis.summary_fa import is_rtl, write_persian
from app.core.bar_dates import format_bar_time
from app.core.frame import epoch_seconds
from app.core.precision import price_precision, price_text
from app.core.service import OhlcvView

DEFAULT_LOOKBACK = 500
# Bars before the window that indicators need to warm up (EMA 200 and Bollinger's 140-bar
# squeeze history): ask the source for lookback + WARMUP_BARS.
WARMUP_BARS = 400


@dataclass(frozen=True)
class Analysis:
    symbol: str
    timeframe: str
    as_of: int | None  # UNIX seconds of the last bar analysed
    last_close: float | None
    bars: int  # bars in the analysed window
    levels: tuple[Level, ...]
    volume_spikes: tuple[Spike, ...]
    signals: tuple[Signal, ...]
    summary: str
    narrative: str = ""
    narrative_source: str = "rules"  # "llm" or "rules"
    narrative_reason: str | None = None  # why the rules wrote it, when an LLM was not used
    narrative_lang: str = "en"
    # What the summaries are written from, and the decimals the symbol is quoted in.
    facts: SummaryFacts | None = field(default=None, repr=False, compare=False)
    decimals: int | None = None

    def price(self, value: float | None) -> str:
        """``value`` written at this symbol's precision (the core's one rule)."""
        return price_text(value, self.decimals)

    def summary_in(self, lang: str | None) -> str:
        """The rule summary in ``lang``: Persian for ``fa``, else English (the only two with
        templates)."""
        if self.facts is not None and (lang or "").split("-")[0].lower() == "fa":
            return write_persian(self.facts)
        return self.summary

    def with_narrative(
        self, text: str, source: str, reason: str | None, lang: str | None = None
    ) -> Analysis:
        return dataclasses.replace(
            self,
            narrative=text,
            narrative_source=source,
            narrative_reason=reason,
            narrative_lang=lang or "en",
        )

    def structured(self) -> dict:
        """What a narrative is written from: everything but the narrative itself."""
        return {
            "symbol": self.symbol,
            "timeframe": self.timeframe,
            "as_of": self.as_of,
            "last_close": self.last_close,
            "bars": self.bars,
            "levels": [level.as_json() for level in self.levels],
            "volume_spikes": [spike.as_json() for spike in self.volume_spikes],
            "signals": [signal.as_json() for signal in self.signals],
            "summary": self.summary,
        }

    def narrative_input(self) -> dict:
        """What an LLM writes the narrative from: :meth:`structured` with every price written
        at the symbol's precision (``"1.22914"``, not ``1.2291400001``), so its text quotes
        prices as the page, the summary and the report write them."""
        facts = self.structured()
        facts["price_decimals"] = self.decimals
        facts["last_close"] = self.price(self.last_close)
        facts["levels"] = [
            {**level, "price": self.price(level["price"])} for level in facts["levels"]
        ]
        return facts

    def as_json(self) -> dict:
        """The body of GET /api/analysis."""
        return {
            **self.structured(),
            "price_precision": self.decimals,  # decimals every price above is written with
            "scope": analysis_scope(self),
            "narrative": self.narrative or self.summary,
            "narrative_source": self.narrative_source,
            "narrative_reason": self.narrative_reason,
            "narrative_lang": self.narrative_lang,
            "narrative_dir": "rtl" if is_rtl(self.narrative_lang) else "ltr",
        }


def analysis_scope(analysis: Analysis) -> str:
    """The sentence under every analysis panel that says what was analysed."""
    if not analysis.bars or analysis.as_of is None:
        return "No bars were analysed."
    last = format_bar_time(analysis.as_of, analysis.timeframe)
    return f"Analysis of the last {analysis.bars:,} {analysis.timeframe} bars, to {last} UTC."


def analyse(
    data: OhlcvView | pd.DataFrame,
    *,
    symbol: str | None = None,
    timeframe: str | None = None,
    lookback: int = DEFAULT_LOOKBACK,
    levels: int = DEFAULT_LEVELS,
    spike_window: int = DEFAULT_WINDOW,
    spike_sigma: float = DEFAULT_SIGMA,
) -> Analysis:
    """Analyse the last ``lookback`` bars of ``data``; earlier bars in it only warm indicators
    up and fill the first spike windows, so pass ``lookback + WARMUP_BARS`` bars when you can."""
    if isinstance(data, OhlcvView):
        frame = data.frame
        symbol = symbol or data.symbol
        timeframe = timeframe or data.timeframe.name
        quoted = data.source_frame if data.source_frame is not None else frame
    else:
        frame = quoted = data
    symbol, timeframe = symbol or "", timeframe or ""
    start = max(0, len(frame) - lookback)
    window = frame.iloc[start:]
    if len(window) == 0:
        summary = f"{symbol} has no bars to analyse on {timeframe}."
        return Analysis(symbol, timeframe, None, None, 0, (), (), (), summary, summary)
    found = find_levels(window, levels)
    spikes = recent_spikes(frame, start, spike_window, spike_sigma)
    decimals = price_precision(quoted)
    signals = compute_signals(frame, found, decimals)
    last_close = float(window["close"].iloc[-1])
    as_of = int(epoch_seconds(window["time"].iloc[-1:])[0])
    facts = summary_facts(symbol, timeframe, last_close, found, spikes, signals, decimals)
    summary = write_english(facts)
    return Analysis(
        symbol=symbol,
        timeframe=timeframe,
        as_of=as_of,
        last_close=last_close,
        bars=len(window),
        levels=tuple(found),
        volume_spikes=tuple(spikes),
        signals=tuple(signals),
        summary=summary,
        narrative=summary,
        narrative_source="rules",
        narrative_reason="no LLM was asked",
        facts=facts,
        decimals=decimals,
    )


def recent_spikes(frame: pd.DataFrame, start: int, window: int, sigma: float) -> list[Spike]:
    """Spikes at rows ``start`` onwards, judged with the ``window`` bars before each (so a spike
    in the first bars of the window is found when earlier bars are there)."""
    first = max(0, start - window)
    spikes = find_volume_spikes(frame.iloc[first:], window, sigma)
    if start == first or not spikes:
        return spikes
    cutoff = int(epoch_seconds(frame["time"].iloc[start : start + 1])[0])
    return [spike for spike in spikes if spike.time >= cutoff]


def scan_symbol(
    data: OhlcvView | pd.DataFrame,
    within: int,
    *,
    spike_window: int = DEFAULT_WINDOW,
    spike_sigma: float = DEFAULT_SIGMA,
) -> tuple[list[Spike], list[Signal]]:
    """The scanner's row: spikes in the last ``within`` bars and the signals on the last bar."""
    frame = data.frame if isinstance(data, OhlcvView) else data
    start = max(0, len(frame) - within)
    spikes = recent_spikes(frame, start, spike_window, spike_sigma)
    tail = frame.iloc[max(0, len(frame) - DEFAULT_LOOKBACK) :]
    signals = compute_signals(frame, find_levels(tail, DEFAULT_LEVELS)) if len(frame) else []
    return spikes, signals


__all__ = [
    "DEFAULT_LOOKBACK",
    "WARMUP_BARS",
    "Analysis",
    "analyse",
    "analysis_scope",
    "scan_symbol",
]
