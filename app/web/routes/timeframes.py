"""GET /api/timeframes/{symbol}: the timeframes a symbol has files for, and those it can be
shown at (made from the finest file that divides them)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from app.core.errors import ParameterError
from app.core.symbol_timeframes import symbol_timeframes
from app.web.docs import error_responses

router = APIRouter(tags=["data"])
MAX_SYMBOL_CHARS = 500


class TimeframesOut(BaseModel):
    symbol: str = Field(examples=["NFLX"])
    native: list[str] = Field(
        description="Timeframes with data of their own (a file each in a folder tree), finest "
        "first; empty for a source that is asked per timeframe.",
        examples=[["1h", "1d"]],
    )
    reachable: list[str] = Field(
        description="Every timeframe the symbol can be shown at, native ones included.",
        examples=[["1h", "4h", "1d", "1w", "1M"]],
    )
    made_from: dict[str, str] = Field(
        description="Reachable timeframe -> the native timeframe its bars are read or "
        "aggregated from.",
        examples=[{"1h": "1h", "4h": "1h", "1d": "1d", "1w": "1h", "1M": "1h"}],
    )
    source: str = Field(description="The data source answering for it.", examples=["csv"])


@router.get(
    "/api/timeframes/{symbol:path}",
    response_model=TimeframesOut,
    summary="A symbol's timeframes",
    responses=error_responses(404, 422, 502, 503, 504),
)
async def read_timeframes(symbol: str) -> TimeframesOut:
    """The symbol may hold `/` (`ALPACA/NFLX`, `BTC/USDT`): it is the rest of the path."""
    if len(symbol) > MAX_SYMBOL_CHARS:
        raise ParameterError("symbol", f"symbol is over {MAX_SYMBOL_CHARS} characters.")
    found = await run_in_threadpool(symbol_timeframes, symbol)
    return TimeframesOut(
        symbol=found.symbol,
        native=list(found.native),
        reachable=list(found.reachable),
        made_from=found.made_from,
        source=found.source,
    )
