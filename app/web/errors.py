"""Our exception hierarchy -> HTTP answers (JSON for the API, the same words on the page); the
status and body themselves are decided in ``app.core.error_body``, shared with the live socket."""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from app.core.error_body import error_body, status_for
from app.core.errors import SuperChartError, shorten

logger = logging.getLogger(__name__)

__all__ = ["error_body", "register_error_handlers", "status_for", "validation_body"]


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


_gone = {"count": 0, "warned_at": float("-inf")}


async def _on_client_gone(request: Request, exc: Exception) -> JSONResponse:
    """A client that closed its connection while sending a body is not a server error: counted,
    one short line at most once a minute, no traceback (nobody reads the answer)."""
    _gone["count"] += 1
    now = time.monotonic()
    if now - _gone["warned_at"] >= 60:
        _gone["warned_at"] = now
        logger.warning(
            "%s %s: the client left before its body arrived (%d so far)",
            request.method,
            request.url.path,
            _gone["count"],
        )
    return JSONResponse({"detail": "The client closed the connection mid-body."}, status_code=400)


async def _on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("Unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "Internal error; it has been logged."}, status_code=500)


def register_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SuperChartError, _on_our_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(ClientDisconnect, _on_client_gone)
    app.add_exception_handler(Exception, _on_unexpected_error)
