"""GET /api/symbols: every source's symbols (SOURCES), searchable, each with its source."""

from __future__ import annotations

import json
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool

from app.core.errors import SuperChartError
from app.core.sources import SymbolInfo
from app.core.sources.configured import get_registry
from app.core.sources.registry import SourceRegistry
from app.web.docs import error_responses
from app.web.schemas import SymbolOut

router = APIRouter(tags=["data"])

MAX_SYMBOLS = 20_000  # in one answer


def _iso(stamp: pd.Timestamp | None) -> str | None:
    if stamp is None:
        return None
    return pd.Timestamp(stamp).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


@router.get(
    "/api/symbols",
    response_model=list[SymbolOut],
    summary="List and search symbols of every source",
    responses={
        200: {
            "description": "Symbols, each with its source. X-Notices (a JSON list) names a "
            "source that could not list its symbols, and why.",
        },
        **error_responses(422, 502, 503, 504),
    },
)
async def list_symbol_infos(
    response: Response,
    q: Annotated[
        str | None,
        Query(max_length=100, description="Only symbols whose name holds this (any case)."),
    ] = None,
    source: Annotated[
        str | None,
        Query(max_length=40, description="Only this source's symbols (files, pyth, ...)."),
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_SYMBOLS, description="At most this many symbols.")
    ] = MAX_SYMBOLS,
) -> list[SymbolOut]:
    """Exact names first, then names starting with `q`, then the rest; listing order within.
    Exchange and oracle listings are kept SYMBOLS_CACHE_S seconds. A folder tree's symbol comes
    with the timeframes it has files for. What a listing hid or left out (a file behind another
    of the same name, a link leading out of DATA_DIR, a source that could not list) is in each
    symbol's `notices` and, for the whole list, in the `X-Notices` header (a JSON list)."""
    registry = get_registry()
    names = (registry.feed_name(source),) if source and source.strip() else None
    if q and q.strip():
        listing = await run_in_threadpool(registry.search, q, names, limit)
    else:
        listing = await run_in_threadpool(registry.list_symbols, names)
    told = [*listing.problems, *_source_notices(registry, names)]
    if told:
        response.headers["X-Notices"] = json.dumps(told)  # \u escapes: ASCII, one line
    return [_symbol_out(info) for info in listing.symbols[:limit]]


def _symbol_out(info: SymbolInfo) -> SymbolOut:
    return SymbolOut(
        symbol=info.symbol,
        timeframe=info.timeframe,
        start=_iso(info.start),
        end=_iso(info.end),
        bars=info.bars,
        timeframes=list(info.timeframes) or [info.timeframe],
        notices=list(info.notices),
        source=info.source,
    )


def _source_notices(registry: SourceRegistry, names: tuple[str, ...] | None) -> list[str]:
    """What the sources listed say about their listing (the files source's hidden files)."""
    told: list[str] = []
    for name in names or registry.enabled:
        try:
            notices = getattr(registry.source(name), "notices", None)
        except SuperChartError:  # a source that cannot be built said so in the listing
            continue
        if callable(notices):
            told.extend(notices())
    return told
