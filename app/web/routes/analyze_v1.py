"""POST /api/v1/analyze: the interface of the analysis service Telegram bots and scripts call.

``{"pair": "eth_usdt", "timeframe": "day1", "limit": 200}`` -> ``{"status": "success",
"analysis": <detailed English>, "analysis_summarized": <Persian summary>, "message": null,
"chart_image_base64": "data:image/png;base64,..."}``. The pair is resolved in their spellings
(app.core.pairs), the analysis is /api/analysis's, the picture /api/chart.png's with the levels and
spikes of the analysis drawn. Errors: ``{"status": "error", "message", ...}`` (app.web.v1_errors).
"""

from __future__ import annotations

import asyncio
import base64
from typing import Literal

import orjson
from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from app.config import get_settings
from app.core.analysis import analyse
from app.core.analysis.detailed import write_detailed
from app.core.analysis.load import load_for_analysis
from app.core.pairs import MAX_PAIR_LENGTH, resolve_pair
from app.llm import narrate
from app.llm.narrative import llm_configured
from app.web.analysis_image import analysis_png
from app.web.answer_cache import Answer
from app.web.docs import error_responses
from app.web.shared_analyses import keep, shared_key, take
from app.web.stats_caches import analysis_cache
from app.web.v1_errors import AnalyzeRoute

router = APIRouter(tags=["analysis"], route_class=AnalyzeRoute)

MAX_LIMIT = 2000
DEFAULT_LIMIT = 200


class AnalyzeIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    pair: str = Field(
        min_length=1,
        max_length=MAX_PAIR_LENGTH,
        description="eth_usdt, ETHUSDT or ETH/USDT (any case, any separator).",
        examples=["eth_usdt"],
    )
    timeframe: str | None = Field(
        default=None,
        max_length=20,
        description="minute1 minute5 minute15 minute30 hour1 hour4 hour8 hour12 day1 week1 "
        "month1, or ours (1m ... 1M, 2h 6h 8h 12h 3d); missing: the data's own.",
        examples=["day1"],
    )
    limit: int = Field(
        default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Bars analysed and drawn."
    )


class AnalyzeOut(BaseModel):
    status: Literal["success", "error"]
    analysis: str | None = Field(description="detailed English analysis")
    analysis_summarized: str | None = Field(description="short summary in Persian")
    message: str | None = Field(description="null on success, unless the picture is missing")
    chart_image_base64: str | None = Field(description="data:image/png;base64,...")


@router.post(
    "/api/v1/analyze",
    summary="Analysis, Persian summary and chart image of a pair (v1 service interface)",
    response_model=AnalyzeOut,
    responses=error_responses(404, 422, 502, 503, 504),
)
async def create_analysis(body: AnalyzeIn) -> dict | Response:
    """Levels, volume spikes and signals of the pair's last `limit` bars, written out in English
    (`analysis`) and summarised in Persian (`analysis_summarized`: the LLM's when `LLM_*` is
    set, else the rule templates), with the PNG of those bars, levels and spikes drawn."""
    settings = get_settings()
    symbol = await run_in_threadpool(resolve_pair, body.pair, settings)
    view = await run_in_threadpool(
        lambda: load_for_analysis(symbol, timeframe=body.timeframe, lookback=body.limit)
    )
    key = (symbol.lower(), view.timeframe.name, body.limit, settings.llm_model, id(settings))
    source = view.source_frame if view.source_frame is not None else view.frame
    cached = analysis_cache.get(key, source)
    if cached is not None:
        return Response(cached.body, media_type="application/json")
    params = (view.symbol, view.timeframe.name, view.source, body.limit)
    params += (settings.llm_model if llm_configured(settings) else None,)
    wide_key = shared_key("analyze_v1", params, view.frame)
    stored = await take(wide_key, AnalyzeOut)
    if stored is not None:
        analysis_cache.put(key, source, Answer("", {}, stored))
        return Response(stored, media_type="application/json")
    result = await run_in_threadpool(lambda: analyse(view, lookback=body.limit))
    english, persian = await asyncio.gather(
        narrate(result, settings, "en"), narrate(result, settings, "fa")
    )
    image, why = await analysis_png(symbol, view.timeframe.name, body.limit, result)
    answer = {
        "status": "success",
        "analysis": write_detailed(result, english.narrative),
        "analysis_summarized": persian.narrative,
        "message": None if image is not None else f"No chart image: {why}",
        "chart_image_base64": (
            "data:image/png;base64," + base64.b64encode(image).decode() if image else None
        ),
    }
    settled = all(
        told.narrative_source == "llm" or not llm_configured(settings)
        for told in (english, persian)
    )
    if image is not None and settled:  # a fallback or a missing picture is asked again
        body_bytes = orjson.dumps(answer)
        analysis_cache.put(key, source, Answer("", {}, body_bytes))
        await keep(wide_key, body_bytes)
    return answer
