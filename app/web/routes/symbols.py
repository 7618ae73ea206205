"""GET /api/symbols: the symbols on offer, with native timeframe and date range."""

from __future__ import annotations

import json

import pandas as pd
from fastapi import APIRouter, Response

from app.core import get_data_source, list_symbols
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
def list_symbol_infos(response: Response) -> list[SymbolOut]:
    """Each symbol with its native timeframe and range; a folder tree's symbol with the
    timeframes it has files for. What the listing hid or left out (a file behind another of
    the same name, a link leading out of DATA_DIR) is in each symbol's `notices` and, for the
    whole list, in the `X-Notices` header (a JSON list)."""
    notices = getattr(get_data_source(), "notices", None)
    if callable(notices) and (told := notices()):
        response.headers["X-Notices"] = json.dumps(told)  # \u escapes: ASCII, one line
    return [
        SymbolOut(
            symbol=info.symbol,
            timeframe=info.timeframe,
            start=_iso(info.start),
            end=_iso(info.end),
            bars=info.bars,
            timeframes=list(info.timeframes) or [info.timeframe],
            notices=list(info.notices),
        )
        for info in list_symbols()
    ]
