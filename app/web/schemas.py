"""Request and response shapes, for validation and the OpenAPI docs (the big OHLCV bodies are
written with orjson, not through these models)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.bar_limits import DEFAULT_LIMIT
from app.core.indicators import MAX_LINES
from app.web.query_numbers import ASCII_DIGITS

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
    timeframes: list[str] = Field(
        default_factory=list,
        description="Timeframes with data of their own: a folder tree's timeframe folders, "
        "else the native one. GET /api/timeframes/{symbol} lists those it can be shown at.",
        examples=[["1h", "1d"]],
    )
    notices: list[str] = Field(
        default_factory=list,
        description="What the listing hid about this symbol (another file of the same name).",
    )
    source: str | None = Field(
        default=None,
        description="The source listing it (files, api, ccxt, binance, pyth, udf); the symbol "
        "is written as it reaches that source (prefixed unless it is DATA_SOURCE's).",
        examples=["files"],
    )


class OhlcvRecord(BaseModel):
    """One bar; ``ema_<period>`` fields, then each indicator's columns (``rsi_14``,
    ``macd_12_26_9``...) follow, null while an indicator warms up."""

    model_config = ConfigDict(extra="allow")

    time: int = Field(description="Bar open, UNIX seconds UTC.", examples=[1704067200])
    open: float
    high: float
    low: float
    close: float
    volume: float


class IndicatorInView(BaseModel):
    token: str = Field(examples=["macd:12:26:9"])
    label: str = Field(examples=["MACD 12 26 9"])
    pane: Literal["price", "own"]
    columns: list[str] = Field(
        examples=[["macd_12_26_9", "macd_signal_12_26_9", "macd_hist_12_26_9"]]
    )


class OhlcvColumns(BaseModel):
    """``format=columns``: one array per field, and what a client needs to page back."""

    symbol: str
    timeframe: str
    native_timeframe: str
    emas: list[int]
    indicators: list[IndicatorInView] = Field(
        description="The indicators in `columns`: canonical token (defaults filled in), legend "
        "label, pane and column names."
    )
    chart: str = Field(description="candles, or heikin_ashi (prices and indicators are HA's).")
    bars: int = Field(description="Bars in this response.")
    total_bars: int = Field(description="Bars in the whole history at this timeframe.")
    first_index: int = Field(description="Position of the first bar here in the whole history.")
    has_more_before: bool = Field(description="Older bars exist: ask again with end=time[0]-1.")
    notices: list[str] = Field(
        description="What the loader fixed in the data, to show the user (empty when nothing).",
        examples=[["x.csv: rows were not in time order (first out of order: row 3); sorted them."]],
    )
    columns: dict[str, list[float | None]] = Field(
        description="time (UNIX seconds), open, high, low, close, volume, ema_<period>..., "
        "then each indicator's columns (rsi_14, macd_12_26_9, ...)"
    )


FEED_DESCRIPTION = (
    "Source to ask: files, api, ccxt, binance, pyth or udf (those in SOURCES). When it cannot "
    "answer, the next in FEED_FALLBACK is tried; the answer's X-Source says which served. "
    "Missing: the symbol's prefix (PYTH:Crypto.BTC/USD, BYBIT:BTC/USDT) or DATA_SOURCE."
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
        description="1m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M (1M a month; aliases M1 H1 D W "
        "1mo hour8 day1 ...); not finer than the data. Missing or empty: the data's own timeframe.",
        examples=["4h"],
    )
    emas: str | None = Field(
        default=None,
        description="Comma list of EMA periods, whole numbers 2..1000. Missing: EMA_PERIODS "
        f"(10,21,50,150 by default); empty (`emas=`): no EMAs. At most {MAX_LINES} lines "
        "per request, EMAs and indicators together.",
        examples=["10,21,50,150"],
    )
    indicators: str | None = Field(
        default=None,
        description="Comma list of catalog indicators (GET /api/indicators), `name:param:param`; "
        "omitted parameters take the defaults, `ma:N` is `sma:N`. One column per output, named "
        "`name_param_param` (rsi_14, macd_12_26_9, macd_signal_12_26_9, macd_hist_12_26_9, "
        "bb_upper_20_2, stoch_k_14_3_3, obv, vwap...), null while warming up. Computed over the "
        f"whole history at this timeframe. At most {MAX_LINES} lines per request, EMAs and "
        "indicators together.",
        examples=["rsi:14,macd:12:26:9,bb:20:2,stoch:14:3:3,obv,vwap"],
    )
    chart: str | None = Field(
        default=None,
        description="candles (default) or heikin_ashi: Heikin Ashi candles, computed over the "
        "whole history; EMAs and indicators are then computed on them, as on TradingView.",
        examples=["heikin_ashi"],
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
    limit: Annotated[int | None, ASCII_DIGITS] = Field(
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
    feed: str | None = Field(
        default=None, max_length=40, description=FEED_DESCRIPTION, examples=["pyth"]
    )


class IndicatorParamOut(BaseModel):
    name: str = Field(examples=["period"])
    label: str = Field(examples=["Length"])
    type: Literal["int", "float"]
    default: float = Field(examples=[14])
    min: float = Field(examples=[2])
    max: float = Field(examples=[1000])
    step: float = Field(examples=[1])


class IndicatorPlotOut(BaseModel):
    output: str = Field(examples=["macd_hist"])
    label: str = Field(examples=["Histogram"])
    style: Literal["line", "histogram", "dots"]


class IndicatorDefaultOut(BaseModel):
    token: str = Field(examples=["macd:12:26:9"])
    columns: list[str] = Field(examples=[["macd_12_26_9", "macd_signal_12_26_9"]])


class IndicatorOut(BaseModel):
    """One catalog entry. A column is an output plus ``_param`` per parameter."""

    name: str = Field(examples=["macd"])
    label: str = Field(examples=["MACD"])
    title: str = Field(examples=["Moving Average Convergence Divergence"])
    aliases: list[str] = Field(description="Other names accepted (`ma` for `sma`).")
    pane: Literal["price", "own"] = Field(
        description="price: drawn over the candles; own: a pane under the price."
    )
    talib: str = Field(description="The TA-Lib function behind it.", examples=["EMA"])
    params: list[IndicatorParamOut]
    outputs: list[str] = Field(examples=[["macd", "macd_signal", "macd_hist"]])
    plots: list[IndicatorPlotOut]
    levels: list[float] = Field(description="Guide lines (RSI 30 and 70).")
    range: list[float] | None = Field(description="Fixed scale of a bounded oscillator.")
    default: IndicatorDefaultOut
