"""The analysis routes' answers as pydantic models: documented in /docs, checked on the way out."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class LevelOut(BaseModel):
    price: float
    kind: Literal["support", "resistance"] = Field(description="below / above the last close")
    touches: int = Field(ge=2, description="swing highs and lows in the level's band")
    first_time: int = Field(description="UNIX seconds of the first touch")
    last_time: int = Field(description="UNIX seconds of the last touch")
    strength: float = Field(ge=0, le=1, description="from touches, recency and volume")


class SpikeOut(BaseModel):
    time: int = Field(description="UNIX seconds")
    volume: float
    mean: float = Field(description="of the spike_window volumes before the bar")
    std: float = Field(description="their sample standard deviation (ddof=1)")
    zscore: float | None = Field(description="(volume - mean) / std; null when std is 0")
    confidence: float = Field(ge=0, le=1, description="1 - 0.5^(zscore / spike_sigma)")


class SignalOut(BaseModel):
    name: Literal["trend", "rsi", "macd", "bollinger", "level"]
    state: str = Field(description="a fixed word: up, down, overbought, bullish_cross, squeeze...")
    state_label: str = Field(default="", description="the state in words: 'below signal line'")
    detail: str


class AnalysisOut(BaseModel):
    symbol: str
    timeframe: str
    as_of: int | None = Field(description="UNIX seconds of the last bar analysed")
    last_close: float | None
    bars: int = Field(description="bars analysed (at most lookback)")
    levels: list[LevelOut]
    volume_spikes: list[SpikeOut]
    signals: list[SignalOut]
    summary: str = Field(description="written by fixed rules from the fields above")
    narrative: str
    narrative_source: Literal["llm", "rules"]
    narrative_reason: str | None = Field(description="why the rules wrote the narrative")
    narrative_lang: str = Field(
        description="language of the narrative: the LLM's as asked (lang), else en or fa "
        "(the rule summary has English and Persian templates)"
    )
    narrative_dir: Literal["ltr", "rtl"] = Field(description="rtl for fa, ar, he ...")
    price_precision: int | None = Field(
        default=None, description="decimals the symbol is quoted in; every text writes prices so"
    )
    scope: str = Field(
        default="", description="what was analysed: 'Analysis of the last 500 1h bars, to ...'"
    )
    source: str | None = Field(
        default=None, description="the source that served the bars (files, ccxt, pyth, ...)"
    )


class ScanRowOut(BaseModel):
    symbol: str
    timeframe: str | None
    volume_spikes: list[SpikeOut]
    signals: list[SignalOut]
    error: str | None = Field(description="why this symbol could not be scanned")


class ScanOut(BaseModel):
    timeframe: str | None = Field(description="null: each symbol at its own timeframe")
    within: int
    symbols: list[ScanRowOut]
    notice: str | None = Field(description="set when symbols were skipped (over the cap)")
