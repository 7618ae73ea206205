"""GET /report: the analysis as a standalone HTML file a user saves and opens offline, or as
Markdown (``format=md``)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from app.config import get_settings
from app.core.analysis import analyse_symbol
from app.llm import narrate
from app.reports import render_html_report, render_markdown_report
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
from app.web.docs import error_responses

router = APIRouter(tags=["analysis"])
NO_SNIFF = {"X-Content-Type-Options": "nosniff"}  # never read as another type than declared
MARKDOWN_CSP = "default-src 'none'; sandbox"  # no script, style, image or request of any kind


def _file_name(symbol: str, timeframe: str, suffix: str) -> str:
    """A safe download name: ``report-BTCUSDT-1h.html``.

    >>> _file_name("BTC/USDT", "1h", "md")
    'report-BTC_USDT-1h.md'
    """
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{symbol}-{timeframe}")[:80]
    return f"report-{stem}.{suffix}"


@router.get(
    "/report",
    summary="Analysis report (standalone HTML or Markdown)",
    response_class=Response,
    responses={
        200: {"content": {"text/html": {}, "text/markdown": {}}},
        **error_responses(404, 422, 502, 503, 504),
    },
)
async def read_report(
    symbol: Symbol = None,
    timeframe: TimeframeParam = None,
    end: End = None,
    lookback: Lookback = DEFAULTS["lookback"],
    levels: Levels = DEFAULTS["levels"],
    spike_window: SpikeWindow = DEFAULTS["spike_window"],
    spike_sigma: SpikeSigma = DEFAULTS["spike_sigma"],
    lang: Lang = None,
    format: Annotated[Literal["html", "md"], Query(description="html or md")] = "html",
    feed: Feed = None,
) -> Response:
    """The chart (levels and spikes drawn), levels, spikes, signals, summary and narrative.
    HTML is one self-contained file (plotly.js inside, about 5 MB) that opens offline."""
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
    if format == "md":
        text = render_markdown_report(result, spike_window=spike_window, spike_sigma=spike_sigma)
        media, name = (
            "text/markdown; charset=utf-8",
            _file_name(result.symbol, result.timeframe, "md"),
        )
    else:
        text = await run_in_threadpool(
            render_html_report, view, result, spike_window=spike_window, spike_sigma=spike_sigma
        )
        media, name = (
            "text/html; charset=utf-8",
            _file_name(result.symbol, result.timeframe, "html"),
        )
    headers = {"Content-Disposition": f'inline; filename="{name}"', **NO_SNIFF}
    if format == "md":  # a download, and inert if a browser opens it anyway
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
        headers["Content-Security-Policy"] = MARKDOWN_CSP
    if view.source:
        headers["X-Source"] = view.source
    return Response(text.encode("utf-8"), media_type=media, headers=headers)
