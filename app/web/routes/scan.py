"""GET /api/scan: every symbol's volume spikes and signals in its last ``within`` bars.

One request for the whole universe, as the seed service's batch scan. Bounded: at most
``MAX_SCAN_SYMBOLS`` symbols (the rest are named in ``notice``), a time budget, one scan running
at a time; answers are cached for CACHE_TTL seconds.
"""

from __future__ import annotations

import threading
import time
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from app.config import get_settings
from app.core import get_data_source, get_ohlcv, parse_timeframe
from app.core.analysis import WARMUP_BARS
from app.core.analysis.scanner import scan_symbols
from app.web.analysis_schemas import ScanOut
from app.web.docs import error_responses
from app.web.query_numbers import ASCII_DIGITS

router = APIRouter(tags=["analysis"])

MAX_SCAN_SYMBOLS = 500
MAX_WITHIN = 500
DEFAULT_WITHIN = 10
SCAN_BUDGET_SECONDS = 50.0
CACHE_ENTRIES = 16

_scan_lock = threading.Lock()  # one scan at a time: a second identical one waits for the cache
_cache: dict[tuple, tuple[float, dict]] = {}


def _symbols() -> list[str]:
    """Every symbol, unreadable files included (files: by name, without loading them), so a bad
    file shows up with its error."""
    source = get_data_source()
    names = getattr(source, "symbol_names", None)
    if callable(names):
        return names()
    return [info.symbol for info in source.list_symbols()]


def run_scan(timeframe: str | None, within: int) -> dict:
    settings = get_settings()
    key = (id(settings), timeframe, within)
    with _scan_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        symbols = _symbols()
        notice = None
        if len(symbols) > MAX_SCAN_SYMBOLS:
            notice = (
                f"{len(symbols):,} symbols: scanned the first {MAX_SCAN_SYMBOLS:,} by name, "
                f"skipped {len(symbols) - MAX_SCAN_SYMBOLS:,}."
            )
            symbols = symbols[:MAX_SCAN_SYMBOLS]

        def load(symbol: str):
            return get_ohlcv(symbol, timeframe=timeframe, limit=within + WARMUP_BARS)

        rows = scan_symbols(symbols, load, within=within, budget_seconds=SCAN_BUDGET_SECONDS)
        body = {
            "timeframe": timeframe,
            "within": within,
            "symbols": [row.as_json() for row in rows],
            "notice": notice,
        }
        if settings.cache_ttl > 0:
            if len(_cache) >= CACHE_ENTRIES:
                _cache.clear()
            _cache[key] = (time.monotonic() + settings.cache_ttl, body)
        return body


@router.get(
    "/api/scan",
    summary="Volume spikes and signals of every symbol",
    response_model=ScanOut,
    responses=error_responses(422, 502, 503, 504),
)
async def read_scan(
    timeframe: Annotated[
        str | None,
        Query(max_length=10, description="e.g. 1h; default each symbol's own timeframe."),
    ] = None,
    within: Annotated[
        int,
        Query(ge=1, le=MAX_WITHIN, description="Spikes in each symbol's last N bars."),
        ASCII_DIGITS,
    ] = DEFAULT_WITHIN,
) -> dict:
    """`{timeframe, within, symbols: [{symbol, timeframe, volume_spikes, signals, error}],
    notice}`: one row per symbol by name; a symbol that cannot be read, or is finer than the
    timeframe asked, has `error` and empty lists. Cached for CACHE_TTL seconds."""
    name = parse_timeframe(timeframe).name if timeframe else None
    return await run_in_threadpool(run_scan, name, within)
