"""The workspace page (/workspace): several live charts, a watchlist, drawings and alerts.

The page is built in the browser from its address (``grid=`` and ``charts=``, or a
saved layout's ``layout=``/``share=``); the server only embeds the look, the timeframes and the
default symbol. Each chart fetches its bars from /api/ohlcv and follows them on the one shared
``WS /ws`` connection.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from app.charts.lightweight import chart_options, json_for_script
from app.config import get_settings
from app.core import TIMEFRAMES
from app.core.indicators import catalog_json
from app.web.routes.chart import PAGE_BARS, PAGE_CSP, templates

router = APIRouter(tags=["chart"])

MAX_CHARTS = 8  # the largest grid (4 x 2)
WORKSPACE_BARS = 10_000  # bars each chart opens with; older ones are paged in on scrolling back
WORKSPACE_HELD_BARS = 2 * WORKSPACE_BARS  # at most this many held per chart (the far side goes)


def workspace_state() -> dict[str, Any]:
    settings = get_settings()
    offered = list(settings.ema_periods)
    return {
        "defaultSymbol": settings.default_symbol,
        "defaultTimeframe": settings.default_timeframe or "1h",
        "timeframes": list(TIMEFRAMES),
        "timeframeSeconds": {name: tf.seconds for name, tf in TIMEFRAMES.items()},
        "offered": offered,
        "options": chart_options(offered),
        "theme": "dark",
        "maxCharts": MAX_CHARTS,
        "pageBars": WORKSPACE_BARS,
        "pagingBars": PAGE_BARS,
        "heldBars": WORKSPACE_HELD_BARS,
        "catalog": catalog_json(),
    }


@router.get(
    "/workspace",
    response_class=HTMLResponse,
    summary="The workspace: several live charts, a watchlist, drawings and alerts",
    description="grid=1|2h|2v|3|4|6|8 and charts=SPEC,SPEC,... with SPEC "
    "SYMBOL~TIMEFRAME~TYPE~SCALE~EMAS~COMPARED~INDICATORS (e.g. "
    "EURUSD~1h~candles~normal~10.21~GOOG|AAPL~rsi:14|macd:12:26:9; "
    "only the symbol is required), sync=crosshair.range.symbol.timeframe; or layout=NAME (a "
    "saved layout) or share=ID (a shared one, read-only). The page's script builds the rest.",
)
def show_workspace(
    request: Request,
    grid: Annotated[str | None, Query(max_length=4, description="1 2h 2v 3 4 6 8")] = None,
    charts: Annotated[str | None, Query(max_length=2000, description="The charts")] = None,
    sync: Annotated[str | None, Query(max_length=100, description="What is synced")] = None,
    layout: Annotated[str | None, Query(max_length=100, description="A saved layout")] = None,
    share: Annotated[str | None, Query(max_length=100, description="A shared layout")] = None,
) -> HTMLResponse:
    state = workspace_state()
    context = {"state_json": json_for_script(state), "state": state}
    response = templates.TemplateResponse(request, "workspace.html", context)
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response
