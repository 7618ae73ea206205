"""Our exception hierarchy -> HTTP, in one place (JSON for the API, the same words on the page)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.core import (
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
from app.core.errors import shorten
from app.store.errors import (
    BodyTooLargeError,
    RecordNotFoundError,
    StoreLimitError,
    StoreUnavailableError,
)

logger = logging.getLogger(__name__)

# Most specific first: UpstreamSymbolNotFoundError is both an UpstreamError and a
# SymbolNotFoundError, and is a 404 like any unknown symbol.
STATUS_BY_ERROR: tuple[tuple[type[SuperChartError], int], ...] = (
    (SymbolNotFoundError, 404),
    (RecordNotFoundError, 404),
    (StoreLimitError, 409),
    (BodyTooLargeError, 413),
    (StoreUnavailableError, 503),
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


def validation_body(exc: RequestValidationError) -> dict[str, Any]:
    """FastAPI's list of errors as one readable line per parameter, the input echoed cut short;
    ``parameter`` when a single one failed, as for our own ParameterError."""
    lines = []
    names = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        name = ".".join(location) or "request"
        message = str(error.get("msg", "is not valid"))
        shown = error.get("input")
        suffix = ""
        if shown is not None and not isinstance(shown, dict):
            text = repr(shorten(shown)) if isinstance(shown, str) else shorten(repr(shown))
            suffix = f" (got {text})"
        lines.append(f"{name}: {message}{suffix}")
        names.append(name)
    body: dict[str, Any] = {"detail": "; ".join(lines) or "The request is not valid."}
    if len(set(names)) == 1 and names[0] != "request":
        body["parameter"] = names[0]
    return body


async def _on_our_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SuperChartError)
    status = status_for(exc)
    if status >= 500:
        logger.warning("%s %s -> %s: %s", request.method, request.url.path, status, exc)
    return JSONResponse(error_body(exc), status_code=status)


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(validation_body(exc), status_code=422)


async def _on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("Unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "Internal error; it has been logged."}, status_code=500)


def register_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SuperChartError, _on_our_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(Exception, _on_unexpected_error)
