"""``GET /api/quotes``: last price and change of many symbols at once (the watchlist)."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from app.config import get_settings
from app.core.errors import SuperChartError
from app.core.quotes import parse_symbol_list, quote_from_arrays, quote_from_frame
from app.core.sources.configured import get_registry
from app.core.sources.fetch import load_symbol
from app.core.timeframes import Timeframe, parse_timeframe
from app.web.schemas import FEED_DESCRIPTION

router = APIRouter(tags=["quotes"])


class QuoteOut(BaseModel):
    """A quote, or ``{"symbol", "error"}`` for a symbol that has none."""

    symbol: str
    time: int | None = None
    last: float | None = None
    previous_close: float | None = None
    change: float | None = None
    change_pct: float | None = None
    error: str | None = None
    source: str | None = None


def live_quote(app: Any, symbol: str, timeframe: Timeframe) -> dict[str, object] | None:
    """From the symbol's live feed when one is open (its newest bars, no I/O); on the event
    loop only, where the feed's book changes."""
    live = getattr(app.state, "live", None)
    feed = live.feeds.get(symbol.strip().lower()) if live is not None else None
    if feed is None:
        return None
    book = feed.book
    closes = book.columns["close"][: book.n]
    return quote_from_arrays(symbol, book.times[: book.n], closes, timeframe)


def stored_quotes(
    symbols: list[str], timeframe: Timeframe, feed: str | None = None
) -> list[dict[str, object]]:
    """From the symbol's source (its prefix's, else ``feed``, else DATA_SOURCE, then
    FEED_FALLBACK; its cache when warm); a failing symbol gets its ``error``."""
    settings = get_settings()
    answer = []
    for symbol in symbols:
        try:
            bars = load_symbol(symbol, feed, settings=settings)
            quote = quote_from_frame(symbol, bars.frame, timeframe)
            answer.append({**quote, "source": bars.candidate.name})
        except SuperChartError as exc:
            answer.append({"symbol": symbol, "error": exc.message})
    return answer


async def quotes_of(
    app: Any, symbols: list[str], timeframe: Timeframe, feed: str | None = None
) -> list[dict[str, object]]:
    """One quote per symbol, in the order asked (``feed`` as on /api/ohlcv)."""
    found: list[dict[str, object] | None] = [live_quote(app, s, timeframe) for s in symbols]
    missing = [symbol for symbol, quote in zip(symbols, found, strict=True) if quote is None]
    if missing:
        loaded = iter(await run_in_threadpool(stored_quotes, missing, timeframe, feed))
        found = [quote if quote is not None else next(loaded) for quote in found]
    return found  # type: ignore[return-value]


@router.get(
    "/api/quotes",
    response_class=Response,
    responses={200: {"model": list[QuoteOut], "description": "Quotes in the order asked"}},
    summary="Last price, change and change % of several symbols",
)
async def read_quotes(
    request: Request,
    symbols: Annotated[str, Query(max_length=30_000, description="e.g. GOOG,EURUSD")],
    timeframe: Annotated[str, Query(max_length=20)] = "1d",
    feed: Annotated[str | None, Query(max_length=40, description=FEED_DESCRIPTION)] = None,
) -> Response:
    """``[{"symbol", "time", "last", "previous_close", "change", "change_pct"}]`` in the order
    asked: ``last`` the newest close, ``previous_close`` the close of the bar before it at
    ``timeframe`` (default ``1d``: the previous day's close), ``change_pct`` in percent. An
    unknown symbol is listed as ``{"symbol", "error"}``. At most QUOTES_MAX_SYMBOLS symbols."""
    names = parse_symbol_list(symbols, get_settings().quotes_max_symbols)
    tf = parse_timeframe(timeframe)
    if feed:
        get_registry().feed_name(feed)  # an unknown feed is a 422 naming SOURCES
    quotes = await quotes_of(request.app, names, tf, feed)
    return Response(orjson.dumps(quotes), media_type="application/json")
