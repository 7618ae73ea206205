"""The chart page (/chart), its standalone download (/chart.html) and the JS it loads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from app.charts.lightweight import (
    chart_options,
    chart_payload,
    json_for_script,
    lightweight_charts_js_path,
)
from app.config import get_settings
from app.core import (
    TIMEFRAMES,
    ParameterError,
    SuperChartError,
    SymbolInfo,
    get_ohlcv,
    timeframes_not_finer_than,
)
from app.core.analysis import analyse_symbol
from app.core.indicators import catalog_json, parse_indicators
from app.core.sources.configured import get_registry
from app.web.chart_params import (
    CHART_TYPES,
    FALSE_WORDS,
    SCALE_MODES,
    THEMES,
    TRUE_WORDS,
    ema_flags,
    page_choice,
    page_flag,
)
from app.web.docs import HTML_ERROR_RESPONSES
from app.web.errors import error_body, status_for
from app.web.page_script import page_modules, page_script
from app.web.schemas import FEED_DESCRIPTION
from app.web.single_values import check_single_values

router = APIRouter(tags=["chart"])

WEB_DIR = Path(__file__).resolve().parent.parent
templates = Jinja2Templates(directory=WEB_DIR / "templates")

PAGE_BARS = 2_000  # bars the page starts with; older ones are fetched on scrolling back
HELD_BARS = 10_000  # at most this many bars held by the page (the far side is dropped)
DOWNLOAD_BARS = 50_000  # bars a standalone file holds (the most recent)
# Defence in depth for the hosted page: only our own scripts run, and nothing leaves the origin.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
)

SymbolParam = Annotated[str | None, Query(description="Symbol; default DEFAULT_SYMBOL.")]
TimeframeParam = Annotated[
    str | None,
    Query(
        description="1m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M (a month); "
        "default the data's own."
    ),
]


IndicatorsParam = Annotated[
    str | None, Query(description="Indicators as on /api/ohlcv, e.g. rsi:14,macd:12:26:9.")
]
ChartTypeParam = Annotated[
    str | None, Query(description="candles, hollow, bars, line, area or heikin_ashi.")
]
ScaleParam = Annotated[str | None, Query(description="Price scale: normal, log or percent.")]
ThemeParam = Annotated[str | None, Query(description="dark or light.")]
LevelsParam = Annotated[
    str | None, Query(description="Support/resistance lines from /api/analysis (true/false).")
]
SpikesParam = Annotated[
    str | None, Query(description="Volume spike markers from /api/analysis (true/false).")
]


FeedParam = Annotated[str | None, Query(max_length=40, description=FEED_DESCRIPTION)]


def _flag(period: int) -> Any:
    return Query(description=f"Show EMA {period} (true/false). Any ema_<period> works.")


def _symbol_infos() -> list[SymbolInfo]:
    """The default source's symbols (the page searches the others through /api/symbols?q=:
    a remote listing must not hold the page up)."""
    registry = get_registry()
    try:
        return registry.list_symbols((registry.default,)).symbols
    except SuperChartError:  # the page still opens and shows the chart's own error
        return []


def _known_timeframes(symbol: str, infos: list[SymbolInfo]) -> list[str]:
    """The timeframes a listed symbol's data allows; all of them for a symbol not listed."""
    wanted = symbol.strip().lower()
    for info in infos:
        if info.symbol.lower() == wanted and info.timeframe in TIMEFRAMES:
            return timeframes_not_finer_than(info.timeframe)
    return list(TIMEFRAMES)


def _instance_tokens(text: str | None) -> list[str]:
    """Canonical tokens of the instances a link names, repeats kept (two SMA 20s are two lines on
    the page, one set of columns from the API)."""
    parts = [part for part in (text or "").split(",") if part.strip()]
    return [spec.token for part in parts for spec in parse_indicators(part)]


def _chart_state(
    request: Request, *, standalone: bool, bars: int, infos: list[SymbolInfo]
) -> tuple[dict[str, Any], int]:
    """What the page's script starts from (the first bars, or the error to show) and the status."""
    settings = get_settings()
    query = request.query_params
    symbol = query.get("symbol") or settings.default_symbol
    timeframe = query.get("timeframe") or None
    state: dict[str, Any] = {
        "symbol": symbol,
        "timeframe": timeframe or "",
        "offered": list(settings.ema_periods),
        "shown": list(settings.ema_periods),
        "pageBars": PAGE_BARS,
        "heldBars": HELD_BARS,
        "standalone": standalone,
        "initial": None,
        "error": None,
        "timeframes": list(TIMEFRAMES),
        "timeframeSeconds": {name: tf.seconds for name, tf in TIMEFRAMES.items()},
        "indicators": [],
        "catalog": catalog_json(),
        "chart": "candles",
        "scale": "normal",
        "theme": "dark",
        "levels": False,
        "spikes": False,
        "source": None,
    }
    status = 200
    try:
        check_single_values(query)  # shown on this page, not as the middleware's JSON
        if standalone:
            download_wanted(query.get("download"))  # a bad value gets this HTML error page
        for name, allowed in (("chart", CHART_TYPES), ("scale", SCALE_MODES), ("theme", THEMES)):
            state[name] = page_choice(query, name, allowed)
        state["levels"], state["spikes"] = page_flag(query, "levels"), page_flag(query, "spikes")
        offered, shown = ema_flags(query, settings.ema_periods)
        state["offered"], state["shown"] = list(offered), list(shown)
        specs = parse_indicators(query.get("indicators"))
        state["indicators"] = _instance_tokens(query.get("indicators"))
        view = get_ohlcv(
            symbol,
            timeframe=timeframe,
            emas=offered,
            indicators=specs,
            chart="heikin_ashi" if state["chart"] == "heikin_ashi" else None,
            limit=bars,
            feed=query.get("feed") or None,
        )
        # The symbol as it reaches the source that served it (PYTH:...): the page's later
        # requests go there, not through the feed's fallback again.
        state["symbol"], state["timeframe"] = view.symbol, view.timeframe.name
        state["source"] = view.source
        state["timeframes"] = timeframes_not_finer_than(view.native_timeframe)
        state["initial"] = chart_payload(view)
        if standalone:  # no server to ask later: levels and spikes go in the file
            state["analysis"], state["analysisError"] = _offline_analysis(view)
    except SuperChartError as exc:
        status = status_for(exc)
        state["error"] = error_body(exc)
        state["timeframes"] = _known_timeframes(symbol, infos)
    state["options"] = chart_options(state["offered"])
    return state, status


def _offline_analysis(view: Any) -> tuple[dict[str, Any] | None, str | None]:
    """The analysis the offline file draws its levels and spikes from (the API's defaults, no
    LLM narrative), or why it is left out."""
    try:
        _view, result = analyse_symbol(view.symbol, timeframe=view.timeframe.name)
    except SuperChartError as exc:
        return None, f"Levels and volume spikes are left out of this file: {exc}"
    return result.as_json(), None


def _render_chart(
    request: Request, *, standalone: bool, bars: int
) -> tuple[HTMLResponse, dict[str, Any]]:
    """The page (or standalone file) and the state it was built from."""
    infos = [] if standalone else _symbol_infos()
    state, status = _chart_state(request, standalone=standalone, bars=bars, infos=infos)
    context = {
        "state_json": json_for_script(state),
        "state": state,
        "symbols": [info.symbol for info in infos],
        "standalone": standalone,
        "lightweight_js": lightweight_charts_js_path().read_text() if standalone else "",
        "page_js": page_script() if standalone else "",
        "page_modules": () if standalone else page_modules(),
        "page_css": (WEB_DIR / "static" / "chart.css").read_text() if standalone else "",
    }
    response = templates.TemplateResponse(request, "chart.html", context, status_code=status)
    if not standalone:  # the standalone file inlines its scripts
        response.headers["Content-Security-Policy"] = PAGE_CSP
    return response, state


def download_wanted(value: str | None) -> bool:
    """``download=true/1/yes/on`` or ``false/0/no/off``; ParameterError for anything else (shown
    on the HTML error page, not as FastAPI's JSON 422: this route answers HTML)."""
    word = (value or "").strip().lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise ParameterError(
            "download", f"download={value[:40]!r} is not valid; use true or false."
        )
    return word in TRUE_WORDS


def attachment_header(symbol: str) -> str:
    """``Content-Disposition`` for saving ``<symbol>.html``: an ASCII ``filename=`` for old
    clients and the exact name as ``filename*=UTF-8''...`` (RFC 6266), since headers are latin-1."""
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in symbol)
    if not ascii_name.strip("_"):
        ascii_name = "chart"
    exact = quote(f"{symbol[:80]}.html", safe="")
    return f"attachment; filename=\"{ascii_name[:80]}.html\"; filename*=UTF-8''{exact}"


@router.get("/", include_in_schema=False)
def open_chart() -> RedirectResponse:
    return RedirectResponse("/chart")


@router.get(
    "/chart",
    response_class=HTMLResponse,
    summary="The chart page",
    description="Candles, volume and EMA lines (TradingView Lightweight Charts). Errors are shown "
    "on the page, with the same status codes as /api/ohlcv.",
    responses=HTML_ERROR_RESPONSES,
)
def show_chart(
    request: Request,
    symbol: SymbolParam = None,
    timeframe: TimeframeParam = None,
    ema_10: Annotated[str | None, _flag(10)] = None,
    ema_21: Annotated[str | None, _flag(21)] = None,
    ema_50: Annotated[str | None, _flag(50)] = None,
    ema_150: Annotated[str | None, _flag(150)] = None,
    indicators: IndicatorsParam = None,
    chart: ChartTypeParam = None,
    scale: ScaleParam = None,
    theme: ThemeParam = None,
    levels: LevelsParam = None,
    spikes: SpikesParam = None,
    feed: FeedParam = None,
) -> HTMLResponse:
    return _render_chart(request, standalone=False, bars=PAGE_BARS)[0]


@router.get(
    "/chart.html",
    response_class=HTMLResponse,
    summary="The chart as one standalone HTML file",
    description=f"Everything inlined (script, styles, the most recent {DOWNLOAD_BARS:,} bars); "
    "opens offline. download=1 asks the browser to save it.",
    responses=HTML_ERROR_RESPONSES,
)
def download_chart(
    request: Request,
    symbol: SymbolParam = None,
    timeframe: TimeframeParam = None,
    ema_10: Annotated[str | None, _flag(10)] = None,
    ema_21: Annotated[str | None, _flag(21)] = None,
    ema_50: Annotated[str | None, _flag(50)] = None,
    ema_150: Annotated[str | None, _flag(150)] = None,
    indicators: IndicatorsParam = None,
    chart: ChartTypeParam = None,
    scale: ScaleParam = None,
    theme: ThemeParam = None,
    levels: LevelsParam = None,
    spikes: SpikesParam = None,
    feed: FeedParam = None,
    download: Annotated[
        str | None, Query(description="Send as an attachment (true/false).")
    ] = None,
) -> HTMLResponse:
    response, state = _render_chart(request, standalone=True, bars=DOWNLOAD_BARS)
    # An error page is shown, not saved.
    if response.status_code == 200 and download_wanted(download):
        response.headers["Content-Disposition"] = attachment_header(state["symbol"])
    return response


@router.get("/assets/lightweight-charts.js", include_in_schema=False)
def read_lightweight_charts_js() -> FileResponse:
    """The Lightweight Charts build shipped inside the installed lightweight-charts package."""
    return FileResponse(
        lightweight_charts_js_path(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )
