"""Our exception hierarchy -> an HTTP status and a JSON body, in one place for every transport.

The HTTP API's handlers (``app.web.errors``) and the live WebSocket's error frames
(``app.live.requests``) both answer with these, so a client reads the same words and fields
whichever way it asked. An error class of another package (the store's) names its own status in
an ``http_status`` class attribute; the core's errors are mapped here.
"""

from __future__ import annotations

from typing import Any

from app.core.errors import (
    ConfigError,
    DataError,
    ParameterError,
    SuperChartError,
    SymbolNotFoundError,
    TooManyBarsError,
    UploadTooLargeError,
    UpstreamAuthError,
    UpstreamBusyError,
    UpstreamError,
    UpstreamPayloadError,
    UpstreamRateLimitedError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)

# Most specific first: UpstreamSymbolNotFoundError is both an UpstreamError and a
# SymbolNotFoundError, and is a 404 like any unknown symbol.
STATUS_BY_ERROR: tuple[tuple[type[SuperChartError], int], ...] = (
    (SymbolNotFoundError, 404),
    (UpstreamAuthError, 502),
    (UpstreamRateLimitedError, 503),
    (UpstreamBusyError, 503),
    (UpstreamUnavailableError, 503),
    (UpstreamTimeoutError, 504),
    (UpstreamPayloadError, 502),
    (UpstreamError, 502),
    (UploadTooLargeError, 413),
    (TooManyBarsError, 413),
    (DataError, 422),
    (ParameterError, 422),
    (ConfigError, 503),
)


def status_for(exc: SuperChartError) -> int:
    own = getattr(type(exc), "http_status", None)
    if isinstance(own, int):
        return own
    for error_type, status in STATUS_BY_ERROR:
        if isinstance(exc, error_type):
            return status
    return 400


def error_body(exc: SuperChartError) -> dict[str, Any]:
    """``{"detail": message}`` plus what a client can act on (the parameter, close matches)."""
    body: dict[str, Any] = {"detail": exc.message}
    if isinstance(exc, ParameterError):
        body["parameter"] = exc.parameter
    if isinstance(exc, SymbolNotFoundError):
        body["symbol"] = exc.symbol
        body["suggestions"] = exc.suggestions
    tried = getattr(exc, "tried", None)  # a feed and its fallbacks: each source's own answer
    if tried:
        body["tried"] = [
            {"source": label, "status": status_for(error), "detail": error.message}
            for label, error in tried
        ]
    return body
