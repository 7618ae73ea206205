"""Request and response shapes, for validation and the OpenAPI docs (the big OHLCV bodies are
written with orjson, not through these models)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_LIMIT = 5_000  # bars in an answer when no limit is given: the most recent ones
MAX_RECORDS = 100_000  # a dict per bar is what costs a client; columns go further
MAX_COLUMNS = 1_000_000


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
    notices: list[str] = Field(
        description="What the loader fixed in the data, to show the user (empty when nothing).",
        examples=[["x.csv: rows were not in time order (first out of order: row 3); sorted them."]],
    )
    columns: dict[str, list[float | None]] = Field(
        description="time (UNIX seconds), open, high, low, close, volume, ema_<period>..."
    )


class OhlcvParams(BaseModel):
    """The query of ``GET /api/ohlcv``. Unknown parameters are ignored."""

    symbol: str | None = Field(
        default=None,
        description="Symbol (see /api/symbols). Missing or empty: DEFAULT_SYMBOL, as on /chart.",
        examples=["sample_ohlcv"],
    )
    timeframe: str | None = Field(
        default=None,
        description="1m 5m 15m 30m 1h 4h 1d 1w (aliases M1 H1 D W ..., any case); not finer "
        "than the data. Missing or empty: the data's own timeframe.",
        examples=["4h"],
    )
    emas: str | None = Field(
        default=None,
        description="Comma list of EMA periods, whole numbers 2..1000. Missing: EMA_PERIODS "
        "(10,21,50,150 by default); empty (`emas=`): no EMAs.",
        examples=["10,21,50,150"],
    )
    start: str | None = Field(
        default=None,
        description="First bar time (inclusive): ISO 8601 (UTC when no offset) or UNIX seconds. "
        "Words such as now or today are refused. Without end, limit counts from here: the "
        "first bars at or after start (page forward with the newest time you hold plus one).",
        examples=["2024-01-01"],
    )
    end: str | None = Field(
        default=None,
        description="Last bar time (inclusive), same forms as start. To page back, pass the "
        "oldest time you hold minus one.",
        examples=["2024-03-01T00:00:00Z"],
    )
    limit: int | None = Field(
        default=None,
        ge=1,
        le=MAX_COLUMNS,
        description="At most this many bars: the last ones up to end (or the newest bar), or, "
        f"with start and no end, the first ones from start. Default {DEFAULT_LIMIT:,}; "
        f"at most {MAX_RECORDS:,} for format=records and {MAX_COLUMNS:,} for format=columns "
        "(more is a 422 naming the cap).",
        examples=[500],
    )
    format: Literal["records", "columns"] = Field(
        default="records",
        description="records: a list of bars; columns: one array per field plus paging meta "
        "(compact, for large requests).",
        examples=["columns"],
    )
