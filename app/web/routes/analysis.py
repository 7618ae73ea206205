"""GET /api/analysis: support/resistance, volume spikes, signals and a written summary of a
symbol's last ``lookback`` bars, with the optional LLM narrative."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool

from app.config import get_settings
from app.core.analysis import analyse
from app.core.analysis.load import load_for_analysis
from app.llm import narrate
from app.llm.narrative import llm_configured
from app.web.analysis_params import (
    DEFAULTS,
    End,
    Feed,
    Lang,
    Levels,
    Lookback,
    SpikeSigma,
    SpikeWindow,
    Symbol,
    TimeframeParam,
)
from app.web.analysis_schemas import AnalysisOut
from app.web.docs import error_responses
from app.web.shared_analyses import keep, shared_key, take

router = APIRouter(tags=["analysis"])


@router.get(
    "/api/analysis",
    summary="Support/resistance, volume spikes, signals and a summary",
    response_model=AnalysisOut,
    responses=error_responses(404, 422, 502, 503, 504),
)
async def read_analysis(
    response: Response,
    symbol: Symbol = None,
    timeframe: TimeframeParam = None,
    end: End = None,
    lookback: Lookback = DEFAULTS["lookback"],
    levels: Levels = DEFAULTS["levels"],
    spike_window: SpikeWindow = DEFAULTS["spike_window"],
    spike_sigma: SpikeSigma = DEFAULTS["spike_sigma"],
    lang: Lang = None,
    feed: Feed = None,
) -> dict | Response:
    """`{symbol, timeframe, as_of, last_close, levels, volume_spikes, signals, summary,
    narrative, narrative_source, narrative_reason}`, times in UNIX seconds. Levels are sorted by
    strength; spikes oldest first. `narrative` is the LLM's when `LLM_*` is set and it answers
    (`narrative_source: "llm"`), else the rule summary with the reason."""
    settings = get_settings()
    view = await run_in_threadpool(
        lambda: load_for_analysis(
            symbol,
            timeframe=timeframe,
            end=end,
            lookback=lookback,
            spike_window=spike_window,
            settings=settings,
            feed=feed,
        )
    )
    if view.source:
        response.headers["X-Source"] = view.source
    params = (view.symbol, view.timeframe.name, view.source, lookback, levels, spike_window)
    params += (spike_sigma, lang, settings.llm_model if llm_configured(settings) else None)
    key = shared_key("analysis", params, view.frame)
    stored = await take(key, AnalysisOut)
    if stored is not None:
        headers = {"X-Source": view.source} if view.source else None
        return Response(stored, media_type="application/json", headers=headers)
    result = await run_in_threadpool(
        lambda: analyse(
            view,
            lookback=lookback,
            levels=levels,
            spike_window=spike_window,
            spike_sigma=spike_sigma,
        )
    )
    result = await narrate(result, settings, lang)
    answer = {**result.as_json(), "source": view.source}
    if result.narrative_source == "llm" or not llm_configured(settings):
        await keep(key, orjson.dumps(answer))  # a fallback narrative is asked again
    return answer
