"""GET /api/symbols: the symbols on offer, with native timeframe and date range."""

from __future__ import annotations

import pandas as pd
from fastapi import APIRouter

from app.core import list_symbols
from app.web.docs import error_responses
from app.web.schemas import SymbolOut

router = APIRouter(tags=["data"])


def _iso(stamp: pd.Timestamp | None) -> str | None:
    if stamp is None:
        return None
    return pd.Timestamp(stamp).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


@router.get(
    "/api/symbols",
    response_model=list[SymbolOut],
    summary="List symbols",
    responses=error_responses(502, 503, 504),
)
def list_symbol_infos() -> list[SymbolOut]:
    return [
        SymbolOut(
            symbol=info.symbol,
            timeframe=info.timeframe,
            start=_iso(info.start),
            end=_iso(info.end),
            bars=info.bars,
        )
        for info in list_symbols()
    ]
