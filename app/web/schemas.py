"""Response shapes, for the OpenAPI docs (the big OHLCV bodies are written with orjson)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ErrorOut(BaseModel):
    detail: str = Field(examples=["Unknown symbol 'sampel'. Did you mean: sample_ohlcv?"])
    parameter: str | None = Field(default=None, description="The parameter at fault, if one.")
    symbol: str | None = None
    suggestions: list[str] | None = Field(default=None, description="Close symbol matches.")


class HealthOut(BaseModel):
    status: str = Field(examples=["ok"])


class SymbolOut(BaseModel):
    symbol: str = Field(examples=["sample_ohlcv"])
    timeframe: str = Field(description="Native timeframe of the data.", examples=["1h"])
    start: str | None = Field(
        description="First bar, ISO 8601 UTC.", examples=["2024-01-01T00:00:00Z"]
    )
    end: str | None = Field(description="Last bar, ISO 8601 UTC.")
    bars: int | None = Field(description="Bars at the native timeframe.", examples=[5000])


class OhlcvRecord(BaseModel):
    """One bar; ``ema_<period>`` fields follow, null while the EMA warms up."""

    model_config = ConfigDict(extra="allow")

    time: int = Field(description="Bar open, UNIX seconds UTC.", examples=[1704067200])
    open: float
    high: float
    low: float
    close: float
    volume: float


class OhlcvColumns(BaseModel):
    """``format=columns``: one array per field, and what a client needs to page back."""

    symbol: str
    timeframe: str
    native_timeframe: str
    emas: list[int]
    bars: int = Field(description="Bars in this response.")
    total_bars: int = Field(description="Bars in the whole history at this timeframe.")
    first_index: int = Field(description="Position of the first bar here in the whole history.")
    has_more_before: bool = Field(description="Older bars exist: ask again with end=time[0]-1.")
    columns: dict[str, list[float | None]] = Field(
        description="time (UNIX seconds), open, high, low, close, volume, ema_<period>..."
    )
