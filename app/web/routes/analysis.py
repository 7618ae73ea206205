"""GET /api/analysis: support/resistance, volume spikes, signals and a written summary of a
symbol's last ``lookback`` bars, with the optional LLM narrative."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool

from app.config import get_settings
from app.core.analysis import analyse_symbol
from app.llm import narrate
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
) -> dict:
    """`{symbol, timeframe, as_of, last_close, levels, volume_spikes, signals, summary,
    narrative, narrative_source, narrative_reason}`, times in UNIX seconds. Levels are sorted by
    strength; spikes oldest first. `narrative` is the LLM's when `LLM_*` is set and it answers
    (`narrative_source: "llm"`), else the rule summary with the reason."""
    view, result = await run_in_threadpool(
        lambda: analyse_symbol(
            symbol,
            timeframe=timeframe,
            end=end,
            lookback=lookback,
            levels=levels,
            spike_window=spike_window,
            spike_sigma=spike_sigma,
            feed=feed,
        )
    )
    result = await narrate(result, get_settings(), lang)
    if view.source:
        response.headers["X-Source"] = view.source
    return {**result.as_json(), "source": view.source}
