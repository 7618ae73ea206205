"""The shared core: ingestion, validation, resampling and indicators. Knows no web framework."""

from app.core.errors import (
    ConfigError,
    DataError,
    ParameterError,
    SuperChartError,
    SymbolNotFoundError,
    TimeframeError,
    UploadTooLargeError,
    UpstreamAuthError,
    UpstreamError,
    UpstreamPayloadError,
    UpstreamRateLimitedError,
    UpstreamSymbolNotFoundError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)
from app.core.frame import OHLCV_COLUMNS, epoch_seconds
from app.core.indicators import add_emas, ema_column
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
    "UpstreamError",
    "UpstreamPayloadError",
    "UpstreamRateLimitedError",
    "UpstreamSymbolNotFoundError",
    "UpstreamTimeoutError",
    "UpstreamUnavailableError",
    "add_emas",
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
]
