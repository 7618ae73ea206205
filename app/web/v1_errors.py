"""The error shape of the /api/v1 service this replaces: ``{"status": "error", "message": ...}``
with our HTTP status (404 unknown pair, 422 bad input, 502/503/504 upstream), plus our
``detail`` (and ``parameter``/``suggestions``) so our own clients read it as any other error.

A route class rather than an exception handler: the shape is these routes' own; every other
route keeps ``{"detail": ...}``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from app.core import SuperChartError
from app.web.errors import error_body, status_for, validation_body

MAX_BODY_BYTES = 16_384


def v1_error(status: int, body: dict[str, Any], **empty: None) -> JSONResponse:
    """``{"status": "error", "message", **empty, **body}`` (``empty``: the success fields,
    null)."""
    shaped = {"status": "error", "message": body.get("detail"), **empty, **body}
    return JSONResponse(shaped, status_code=status)


class V1Route(APIRoute):
    """Errors of the route in the v1 shape; a body over MAX_BODY_BYTES refused before it is
    read (413)."""

    empty_fields: ClassVar[tuple[str, ...]] = ()

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        empty = dict.fromkeys(self.empty_fields)

        async def shaped(request: Request) -> Response:
            declared = request.headers.get("content-length", "")
            too_big = declared.isdigit() and int(declared) > MAX_BODY_BYTES
            if not declared and request.method == "POST":  # chunked: read it here, capped
                too_big = not await _read_capped(request)
            if too_big:
                detail = f"The request body is over {MAX_BODY_BYTES:,} bytes."
                return v1_error(413, {"detail": detail}, **empty)
            try:
                return await handler(request)
            except RequestValidationError as exc:
                return v1_error(422, _their_names(validation_body(exc)), **empty)
            except SuperChartError as exc:
                return v1_error(status_for(exc), error_body(exc), **empty)

        return shaped


class AnalyzeRoute(V1Route):
    empty_fields = ("analysis", "analysis_summarized", "chart_image_base64")


def _their_names(body: dict[str, Any]) -> dict[str, Any]:
    """``body.limit`` is ``limit`` to a client that sent ``{"limit": ...}``."""
    if "JSON decode error" in body["detail"]:
        return {"detail": 'The body is not JSON: send {"pair": "eth_usdt", ...}.'}
    body["detail"] = body["detail"].replace("body.", "")
    if "parameter" in body:
        body["parameter"] = body["parameter"].removeprefix("body.")
    return body


async def _read_capped(request: Request) -> bool:
    """Read a body of unknown length up to MAX_BODY_BYTES (kept for the handler, which reads
    ``request.body()``); False when it is longer."""
    parts, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return False
        parts.append(chunk)
    request._body = b"".join(parts)  # Starlette's cache of the body: the handler reads this
    return True
