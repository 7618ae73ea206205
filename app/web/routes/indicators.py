"""GET /api/indicators: the indicator catalog, for clients building an indicators dialog."""

from __future__ import annotations

import hashlib

import orjson
from fastapi import APIRouter, Request, Response

from app.core import MAX_LINES, catalog_json
from app.web.docs import CACHE_HEADERS, NOT_MODIFIED
from app.web.http_cache import etag_matches
from app.web.schemas import IndicatorOut

router = APIRouter(tags=["data"])

_BODY = orjson.dumps(catalog_json())  # fixed for the life of the process
_ETAG = f'"catalog-{hashlib.blake2b(_BODY, digest_size=12).hexdigest()}"'
_HEADERS = {
    "ETag": _ETAG,
    "Cache-Control": "public, max-age=3600",
    "X-Max-Lines": str(MAX_LINES),
}


@router.get(
    "/api/indicators",
    summary="The indicator catalog",
    response_model=list[IndicatorOut],
    responses={
        200: {
            "description": "Every indicator `indicators=` accepts: its parameters (default, "
            "min, max), output columns and pane. X-Max-Lines: the cap on EMAs + indicators "
            "per request.",
            "headers": {
                **CACHE_HEADERS,
                "X-Max-Lines": {
                    "description": "At most this many lines (EMAs and indicators) per request.",
                    "schema": {"type": "integer"},
                    "example": MAX_LINES,
                },
            },
        },
        **NOT_MODIFIED,
    },
)
def read_indicators(request: Request) -> Response:
    """Name, label, parameters with default/min/max, outputs and pane of each indicator. A
    column in `/api/ohlcv` is an output plus `_param` per parameter: `macd_signal_12_26_9`."""
    if etag_matches(request.headers.get("if-none-match"), _ETAG):
        return Response(status_code=304, headers=_HEADERS)
    return Response(_BODY, media_type="application/json", headers=_HEADERS)
