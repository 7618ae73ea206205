"""A request's JSON body read under a byte cap: refused by its Content-Length, or as soon as
the stream passes the cap, before anything is parsed (413 naming the setting)."""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from app.core.errors import ParameterError
from app.store.errors import BodyTooLargeError

Model = TypeVar("Model", bound=BaseModel)


def _too_large(max_bytes: int, setting: str) -> BodyTooLargeError:
    size = f"{max_bytes // 1024} KB" if max_bytes >= 1024 else f"{max_bytes} bytes"
    return BodyTooLargeError(f"The body is over the {size} cap ({setting}).")


async def read_body(request: Request, max_bytes: int, setting: str) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes, setting)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes, setting)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json_object(request: Request, max_bytes: int, setting: str) -> dict[str, Any]:
    """The body as a JSON object, or 413 / 422 naming what was wrong."""
    return parse_json_object(await read_body(request, max_bytes, setting))


def parse_json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ParameterError("body", "The body must be JSON (a JSON object).") from None
    if not isinstance(value, dict):
        raise ParameterError("body", "The body must be a JSON object.")
    return value


async def read_model(request: Request, model: type[Model], max_bytes: int, setting: str) -> Model:
    """The body checked against ``model``; 422 in FastAPI's words (``validation_body``)."""
    value = await read_json_object(request, max_bytes, setting)
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        raise RequestValidationError(errors) from None


def body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` documenting a body read by hand as ``model``."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }
