"""What /docs shows beyond the parameters: per-status error examples and the response headers,
and Swagger UI itself from the installed swagger-ui-py package, so the docs load no CDN.

``error_responses(404, 422, ...)`` and ``HTML_ERROR_RESPONSES`` are meant for any route's
``responses=``: the JSON API's and the chart page's.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from app.web.schemas import ErrorOut

ASSETS_URL = "/docs-assets"

_ERRORS: dict[int, tuple[str, dict[str, dict[str, Any]]]] = {
    404: (
        "Unknown symbol; `suggestions` holds close matches (a path such as ../../etc/passwd is "
        "just an unknown symbol).",
        {
            "unknown symbol": {
                "detail": "Unknown symbol 'sampel_ohlcv'. Did you mean: sample_ohlcv?",
                "symbol": "sampel_ohlcv",
                "suggestions": ["sample_ohlcv"],
            },
        },
    ),
    422: (
        "A bad parameter (the detail names it and what is allowed), a timeframe finer than the "
        "data, a limit over the cap, or a data file that cannot be parsed.",
        {
            "bad timeframe": {
                "detail": "Unknown timeframe '3h'. Allowed: 1m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, "
                "12h, 1d, 3d, 1w, 1M (1M is a month, 1m a minute; aliases M1 M5 M15 M30 H1 H4 H8 "
                "D D1 W W1 1mo MN1, minute1 hour4 day1 week1 month1).",
                "parameter": "timeframe",
            },
            "bad EMA period": {
                "detail": "EMA period 1 is out of range; use whole numbers from 2 to 1000, "
                "comma-separated (e.g. 10,21,50).",
                "parameter": "emas",
            },
            "unknown indicator": {
                "detail": "Unknown indicator 'rsx'; use one of: sma (ma), ema, wma, bb, vwap, "
                "psar, rsi, macd, stoch, atr, adx, mfi, obv, cci, willr.",
                "parameter": "indicators",
            },
            "bad indicator parameter": {
                "detail": "rsi period must be a whole number from 2 to 1000 (default 14), got 1.",
                "parameter": "indicators",
            },
            "too many lines": {
                "detail": "Too many lines: 13 asked for; at most 12 lines per request, EMAs and "
                "indicators together (each indicator instance is one line, e.g. MACD).",
                "parameter": "indicators",
            },
            "bad start": {
                "detail": "start 'now' is not a date or time; use ISO 8601 like 2024-01-31 or "
                "2024-01-31T14:00Z, or UNIX seconds like 1706709600 (words such as now or today "
                "are not accepted).",
                "parameter": "start",
            },
            "bad format": {
                "detail": "format: Input should be 'records' or 'columns' (got 'xml')",
                "parameter": "format",
            },
            "limit over the cap": {
                "detail": "limit 200,000 is over the 100,000-bar cap of format=records; use "
                "format=columns (up to 1,000,000 bars) or page back with end=.",
                "parameter": "limit",
            },
        },
    ),
    502: (
        "The data API refused our key or answered something unreadable.",
        {
            "key refused": {
                "detail": "The data API refused our key (HTTP 401); check DATA_API_KEY."
            },
            "not JSON": {
                "detail": "The data API answered with something that is not JSON "
                "(text/html, 21 bytes)."
            },
        },
    ),
    503: (
        "The data API is rate-limiting us or unavailable, or the server's settings are invalid.",
        {
            "unavailable": {
                "detail": "The data API at api.example.com is unavailable (HTTP 503) after "
                "3 retries."
            },
            "rate-limited": {
                "detail": "The data API is still rate-limiting us (HTTP 429) after 3 retries. "
                "Try again shortly."
            },
        },
    ),
    504: (
        "The data API did not answer in time.",
        {
            "timeout": {
                "detail": "The data API at api.example.com did not answer within 10 s "
                "(REQUEST_TIMEOUT)."
            }
        },
    ),
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these statuses: the ``{"detail": ...}`` shape, one example each
    of what a client meets."""
    return {
        code: {
            "model": ErrorOut,
            "description": _ERRORS[code][0],
            "content": {
                "application/json": {
                    "examples": {
                        name: {"summary": name, "value": value}
                        for name, value in _ERRORS[code][1].items()
                    }
                }
            },
        }
        for code in codes
    }


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """OpenAPI query parameters from a model's fields: name, description, schema with examples."""
    properties = model.model_json_schema()["properties"]
    return [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": schema.get("description", ""),
            "schema": schema,
            "example": schema.get("examples", [None])[0],
        }
        for name, schema in properties.items()
    ]


def _header(description: str, example: str, kind: str = "string") -> dict[str, Any]:
    return {"description": description, "schema": {"type": kind}, "example": example}


CACHE_HEADERS: dict[str, dict[str, Any]] = {
    "ETag": _header(
        "A digest of the data in this answer. Send it back as If-None-Match for a 304.",
        '"records-3f2a9c0d5b8e4f61a7c2d9e0b1f3a4c5"',
    ),
    "Cache-Control": _header("public, max-age=CACHE_TTL seconds.", "public, max-age=60"),
}

OHLCV_HEADERS: dict[str, dict[str, Any]] = {
    **CACHE_HEADERS,
    "X-Total-Bars": _header("Bars in the whole history at this timeframe.", "1000000", "integer"),
    "X-First-Index": _header(
        "Position of the first bar of this answer in the whole history.", "995000", "integer"
    ),
    "X-Has-More-Before": _header(
        "true when older bars exist: ask again with end = the first bar's time - 1.", "true"
    ),
    "X-Limit": _header(
        "The bar limit applied (the one asked for, or the default 5000).", "5000", "integer"
    ),
    "X-Timeframe": _header("The timeframe of the bars.", "1m"),
    "X-Source": _header(
        "The source that served the bars (files, api, ccxt, binance, pyth, udf).", "files"
    ),
    "X-Notices": _header(
        "Only when the loader fixed something in the data: a JSON list of sentences (ASCII, "
        "\\u escapes), e.g. that rows were sorted by time.",
        '["x.csv: rows were not in time order (first at row 3); sorted them by time."]',
    ),
}

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {
        "description": "Not Modified: If-None-Match held this answer's ETag (or `*`). No body.",
        "headers": CACHE_HEADERS,
    }
}

HTML_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {
        "description": f"{_ERRORS[code][0]} Shown as an HTML page with the same message.",
        "content": {"text/html": {"example": "<!doctype html>... Unknown symbol ..."}},
    }
    for code in (404, 422, 502, 503, 504)
}


def swagger_ui_dir() -> Path:
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed (pip install swagger-ui-py)")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def mount_offline_docs(app: FastAPI) -> None:
    """Call on an app made with ``docs_url=None``."""
    app.mount(ASSETS_URL, StaticFiles(directory=swagger_ui_dir()), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def show_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} · API docs",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon-32x32.png",
        )
