"""GET /api/ohlcv: bars and EMAs as JSON, pageable back through history."""

from __future__ import annotations

from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Query, Request, Response

from app.charts.lightweight import (
    columns_digest,
    ohlcv_columns,
    records_from_columns,
    view_meta,
)
from app.config import get_settings
from app.core import get_ohlcv, parse_ema_periods
from app.web.errors import ERROR_RESPONSES
from app.web.schemas import OhlcvColumns, OhlcvRecord
from app.web.time_params import parse_time_param

router = APIRouter(tags=["data"])

MAX_LIMIT = 1_000_000

SymbolParam = Annotated[
    str | None,
    Query(
        description="Symbol (see /api/symbols); default DEFAULT_SYMBOL.", examples=["sample_ohlcv"]
    ),
]
TimeframeParam = Annotated[
    str | None,
    Query(
        description="1m 5m 15m 30m 1h 4h 1d 1w (aliases H1, D...); not finer than the data. "
        "Default: the data's own timeframe.",
        examples=["4h"],
    ),
]
EmasParam = Annotated[
    str | None,
    Query(
        description="Comma list of EMA periods (2..1000); default EMA_PERIODS; empty for none.",
        examples=["10,21,50,150"],
    ),
]
StartParam = Annotated[
    str | None,
    Query(
        description="First bar time, ISO 8601 or UNIX seconds (inclusive).", examples=["2024-01-01"]
    ),
]
EndParam = Annotated[
    str | None,
    Query(
        description="Last bar time, ISO 8601 or UNIX seconds (inclusive). To page back, "
        "pass the oldest time you hold minus one.",
        examples=["2024-03-01T00:00:00Z"],
    ),
]
LimitParam = Annotated[
    int | None,
    Query(ge=1, le=MAX_LIMIT, description="At most this many bars: the last ones up to end."),
]
FormatParam = Annotated[
    Literal["records", "columns"],
    Query(description="records: a list of bars; columns: one array per field (compact)."),
]


def _cache_headers(etag: str) -> dict[str, str]:
    ttl = int(get_settings().cache_ttl)
    return {"ETag": etag, "Cache-Control": f"public, max-age={ttl}"}


@router.get(
    "/api/ohlcv",
    summary="OHLCV bars with EMAs",
    response_model=list[OhlcvRecord] | OhlcvColumns,
    responses={
        200: {
            "description": "Bars, oldest first. Headers X-Total-Bars, X-First-Index and "
            "X-Has-More-Before say where this window sits in the whole history."
        },
        **ERROR_RESPONSES,
    },
)
def read_ohlcv(
    request: Request,
    symbol: SymbolParam = None,
    timeframe: TimeframeParam = None,
    emas: EmasParam = None,
    start: StartParam = None,
    end: EndParam = None,
    limit: LimitParam = None,
    format: FormatParam = "records",
) -> Response:
    settings = get_settings()
    view = get_ohlcv(
        symbol if symbol is not None else settings.default_symbol,
        timeframe=timeframe or None,
        emas=parse_ema_periods(emas, settings.ema_periods),
        start=parse_time_param(start, "start"),
        end=parse_time_param(end, "end"),
        limit=limit,
    )
    meta = view_meta(view)
    headers = {
        "X-Total-Bars": str(meta["total_bars"]),
        "X-First-Index": str(meta["first_index"]),
        "X-Has-More-Before": "true" if meta["has_more_before"] else "false",
        "X-Timeframe": meta["timeframe"],
    }
    columns = ohlcv_columns(view)
    # The ETag comes from the data, so a repeat request is answered 304 before any JSON is made.
    etag = f'"{format}-{columns_digest(meta, columns)}"'
    headers.update(_cache_headers(etag))
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    content = {**meta, "columns": columns} if format == "columns" else records_from_columns(columns)
    body = orjson.dumps(content, option=orjson.OPT_SERIALIZE_NUMPY)
    return Response(body, media_type="application/json", headers=headers)
