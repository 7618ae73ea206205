"""The shared core: ingestion, validation, resampling and indicators. Knows no web framework.

Front ends need little more than:

- ``get_ohlcv(symbol, timeframe=, emas=, indicators=, chart=, start=, end=, limit=, settings=)``
  -> ``OhlcvView`` (the configured source's bars, resampled, Heikin Ashi if asked, EMAs and
  catalog indicators warmed up on the whole history, then windowed; cached so paging is cheap)
  and ``list_symbols(settings)``;
- ``parse_indicators("rsi:14,macd")``, ``CATALOG``, ``catalog_json()``, ``MAX_LINES``: the
  indicator catalog (``app.core.indicators``);
- ``read_ohlcv_bytes(data, filename, max_bytes=settings.upload_max_bytes)`` then
  ``build_view(frame, symbol=..., ...)`` for uploads;
- ``epoch_seconds(view.frame["time"])`` for chart times (unit-safe under pandas 3);
- ``SuperChartError`` and its subclasses (``app.core.errors``): every message is safe to show.

Canonical frames are read-only (zero-copy, and shared through the caches): ``frame.copy()`` to
edit one in place.

Module map: ``ingest`` (files, bytes) -> ``csv_reader`` / ``parquet_reader`` -> ``columns`` (which
column is which) and ``column_values`` (text/Arrow -> numbers and UTC times) -> ``validation``
(the one check) -> ``frame`` (the canonical frame); ``timeframes`` (names, detection,
resampling); ``indicators`` (the catalog, TA-Lib); ``heikin_ashi``; ``sources`` (files, REST
API, exchanges; ``sources.file_tree``: DATA_DIR's flat files and folders of timeframes;
``sources.configured``: the one DATA_SOURCE names); ``symbol_timeframes`` (a symbol's native and
reachable timeframes); ``service`` (views, caches);
``analysis`` (levels, spikes, signals); ``synthetic`` (deterministic sample bars).
"""

from app.core.errors import (
    ConfigError,
    DataError,
    ParameterError,
    SuperChartError,
    SymbolNotFoundError,
    TimeframeError,
    TooManyBarsError,
    UploadTooLargeError,
    UpstreamAuthError,
    UpstreamBusyError,
    UpstreamError,
    UpstreamNoEndpointError,
    UpstreamPayloadError,
    UpstreamRateLimitedError,
    UpstreamSymbolNotFoundError,
    UpstreamTimeoutError,
    UpstreamTooLargeError,
    UpstreamUnavailableError,
)
from app.core.frame import OHLCV_COLUMNS, epoch_seconds
from app.core.heikin_ashi import CHART_TYPES, heikin_ashi, parse_chart_type
from app.core.indicators import (
    CATALOG,
    MAX_LINES,
    IndicatorSpec,
    add_atr,
    add_bollinger_bands,
    add_emas,
    add_indicators,
    add_macd,
    add_obv,
    add_rsi,
    add_smas,
    add_stochastic,
    add_vwap,
    add_wmas,
    catalog_json,
    ema_column,
    parse_ema_periods,
    parse_indicators,
)
from app.core.ingest import read_ohlcv_bytes, read_ohlcv_file
from app.core.service import OhlcvView, build_view, get_ohlcv
from app.core.sources import DataSource, SymbolInfo
from app.core.sources.configured import get_data_source, list_symbols
from app.core.timeframes import (
    TIMEFRAMES,
    Timeframe,
    coarsest_needed,
    detect_timeframe,
    parse_timeframe,
    resample_ohlcv,
    timeframes_not_finer_than,
)

__all__ = [
    "CATALOG",
    "CHART_TYPES",
    "MAX_LINES",
    "OHLCV_COLUMNS",
    "TIMEFRAMES",
    "ConfigError",
    "DataError",
    "DataSource",
    "IndicatorSpec",
    "OhlcvView",
    "ParameterError",
    "SuperChartError",
    "SymbolInfo",
    "SymbolNotFoundError",
    "Timeframe",
    "TimeframeError",
    "TooManyBarsError",
    "UploadTooLargeError",
    "UpstreamAuthError",
    "UpstreamBusyError",
    "UpstreamError",
    "UpstreamNoEndpointError",
    "UpstreamPayloadError",
    "UpstreamRateLimitedError",
    "UpstreamSymbolNotFoundError",
    "UpstreamTimeoutError",
    "UpstreamTooLargeError",
    "UpstreamUnavailableError",
    "add_atr",
    "add_bollinger_bands",
    "add_emas",
    "add_indicators",
    "add_macd",
    "add_obv",
    "add_rsi",
    "add_smas",
    "add_stochastic",
    "add_vwap",
    "add_wmas",
    "build_view",
    "catalog_json",
    "coarsest_needed",
    "detect_timeframe",
    "ema_column",
    "epoch_seconds",
    "get_data_source",
    "get_ohlcv",
    "heikin_ashi",
    "list_symbols",
    "parse_chart_type",
    "parse_ema_periods",
    "parse_indicators",
    "parse_timeframe",
    "read_ohlcv_bytes",
    "read_ohlcv_file",
    "resample_ohlcv",
    "timeframes_not_finer_than",
]
