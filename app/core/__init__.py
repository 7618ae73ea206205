"""The shared core: ingestion, validation, resampling and indicators. Knows no web framework.

Front ends need little more than:

- ``get_ohlcv(symbol, timeframe=, emas=, start=, end=, limit=, settings=)`` -> ``OhlcvView``
  (the configured source's bars, resampled, EMAs warmed up on the whole history, then windowed;
  cached so paging is cheap) and ``list_symbols(settings)``;
- ``read_ohlcv_bytes(data, filename, max_bytes=settings.upload_max_bytes)`` then
  ``build_view(frame, symbol=..., ...)`` for uploads;
- ``epoch_seconds(view.frame["time"])`` for chart times (unit-safe under pandas 3);
- ``SuperChartError`` and its subclasses (``app.core.errors``): every message is safe to show.

Canonical frames are read-only (zero-copy, and shared through the caches): ``frame.copy()`` to
edit one in place.

Module map: ``ingest`` (files, bytes) -> ``csv_reader`` / ``parquet_reader`` -> ``columns`` (which
column is which) and ``column_values`` (text/Arrow -> numbers and UTC times) -> ``validation``
(the one check) -> ``frame`` (the canonical frame); ``timeframes`` (names, detection,
resampling); ``indicators`` (TA-Lib); ``sources`` (files, REST API); ``service`` (views, caches);
``synthetic`` (deterministic sample bars).
"""

from app.core.errors import (
    ConfigError,
    DataError,
    ParameterError,
    SuperChartError,
    SymbolNotFoundError,
    TimeframeError,
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
from app.core.indicators import (
    add_atr,
    add_bollinger_bands,
    add_emas,
    add_macd,
    add_obv,
    add_rsi,
    add_smas,
    add_stochastic,
    add_vwap,
    add_wmas,
    ema_column,
)
from app.core.ingest import read_ohlcv_bytes, read_ohlcv_file
from app.core.service import (
    OhlcvView,
    build_view,
    get_data_source,
    get_ohlcv,
    list_symbols,
    parse_ema_periods,
)
from app.core.sources import DataSource, SymbolInfo
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
    "OHLCV_COLUMNS",
    "TIMEFRAMES",
    "ConfigError",
    "DataError",
    "DataSource",
    "OhlcvView",
    "ParameterError",
    "SuperChartError",
    "SymbolInfo",
    "SymbolNotFoundError",
    "Timeframe",
    "TimeframeError",
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
    "add_macd",
    "add_obv",
    "add_rsi",
    "add_smas",
    "add_stochastic",
    "add_vwap",
    "add_wmas",
    "build_view",
    "coarsest_needed",
    "detect_timeframe",
    "ema_column",
    "epoch_seconds",
    "get_data_source",
    "get_ohlcv",
    "list_symbols",
    "parse_ema_periods",
    "parse_timeframe",
    "read_ohlcv_bytes",
    "read_ohlcv_file",
    "resample_ohlcv",
    "timeframes_not_finer_than",
]
