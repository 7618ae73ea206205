"""GET /api/chart.png, /api/chart.svg (and /api/chart, the PNG): the chart as a picture.

The picture of the last ``bars`` bars up to ``end`` (or the newest), drawn by the Plotly engine
and exported by the warm Chromium (``app.images``). The ETag fingerprints the bars and every
drawing option, so a client holding the picture gets a 304, and a picture already drawn is
answered from a bounded cache without drawing it again. When the renderer is full, has no
Chromium, a render hangs or its browser dies mid-render, the answer is a JSON 503 with
``Retry-After``. Chromium opens at the first picture (IMAGE_PREWARM=true: at app start); the
picture that waited for it says how long in ``Server-Timing: browser-start;dur=<ms>``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Annotated, Literal

import plotly.graph_objects as go
from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from app.charts.images import MAX_IMAGE_BARS, MEDIA_TYPES, image_figure, view_digest
from app.charts.plotly_overlays import add_levels, add_volume_spikes
from app.config import get_settings
from app.core import OhlcvView, ParameterError, get_ohlcv, parse_ema_periods
from app.core.analysis import find_levels, find_volume_spikes
from app.core.indicators import parse_indicators
from app.core.time_bounds import parse_time_bound
from app.images import ImageUnavailableError, get_renderer
from app.images.cache import ImageCache
from app.shared_cache import get_shared_cache
from app.web.docs import NOT_MODIFIED, error_responses
from app.web.http_cache import etag_matches
from app.web.query_numbers import ASCII_DIGITS
from app.web.schemas import FEED_DESCRIPTION

router = APIRouter(tags=["images"])

DEFAULT_BARS = 300
MIN_SIDE, MAX_SIDE = 200, 4000
MAX_PIXELS = 16_000_000  # width x height x scale², a 4000 x 4000 picture
SEED_VOLUME_WORDS = frozenset({"vol", "volume"})  # volume is always drawn, in its own pane

_cache: ImageCache | None = None


class ImageParams(BaseModel):
    """The query of ``GET /api/chart.png`` / ``.svg``. Unknown parameters are ignored."""

    model_config = ConfigDict(extra="ignore")

    symbol: str | None = Field(
        default=None, description="Symbol (see /api/symbols); empty: DEFAULT_SYMBOL."
    )
    timeframe: str | None = Field(
        default=None,
        description="1m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M (1M a month; aliases M1 H4 D1 "
        "1mo hour8 day1 ...); empty: the data's own.",
    )
    indicators: str | None = Field(
        default=None,
        description="Comma list, as /api/ohlcv (rsi:14, macd, bb:20:2, ...), plus the chart "
        "service's words: vol / volume (the volume pane, always drawn), ma:20 (SMA 20).",
    )
    emas: str | None = Field(
        default=None, description="EMA periods, comma list; missing: EMA_PERIODS; empty: none."
    )
    chart: str | None = Field(default=None, description="candles (default) or heikin_ashi.")
    end: str | None = Field(
        default=None, description="Last bar time (ISO 8601 or UNIX seconds); missing: newest."
    )
    bars: Annotated[int, ASCII_DIGITS] = Field(
        default=DEFAULT_BARS,
        ge=1,
        le=MAX_IMAGE_BARS,
        description=f"Candles drawn, the last ones up to end (at most {MAX_IMAGE_BARS:,}).",
    )
    width: Annotated[int, ASCII_DIGITS] = Field(
        default=1200, ge=MIN_SIDE, le=MAX_SIDE, description="CSS pixels."
    )
    height: Annotated[int, ASCII_DIGITS] = Field(
        default=700, ge=MIN_SIDE, le=MAX_SIDE, description="CSS pixels."
    )
    scale: Annotated[float, ASCII_DIGITS] = Field(
        default=1.0, ge=0.5, le=4.0, description="Pixels per CSS pixel of a PNG (2 for HiDPI)."
    )
    theme: Literal["dark", "light"] = "dark"
    levels: bool = Field(
        default=False, description="Draw the support/resistance levels of the bars shown."
    )
    spikes: bool = Field(default=False, description="Mark the volume spikes among the bars shown.")
    feed: str | None = Field(default=None, max_length=40, description=FEED_DESCRIPTION)


IMAGE_RESPONSES = {
    200: {
        "description": "The chart picture. ETag and Cache-Control as /api/ohlcv.",
        "content": {"image/png": {}, "image/svg+xml": {}},
    },
    **NOT_MODIFIED,
    **error_responses(404, 422, 502, 503, 504),
}


@router.get("/api/chart.png", summary="Chart as a PNG", responses=IMAGE_RESPONSES)
async def read_chart_png(request: Request, params: Annotated[ImageParams, Query()]) -> Response:
    """The chart (candles, volume, EMAs, indicator panes) as a PNG of width x height x scale
    pixels, in TradingView's dark look (theme=light for white)."""
    return await _chart_image(request, params, "png")


@router.get("/api/chart.svg", summary="Chart as an SVG", responses=IMAGE_RESPONSES)
async def read_chart_svg(request: Request, params: Annotated[ImageParams, Query()]) -> Response:
    """The chart as an SVG document (width x height; scale does not apply)."""
    return await _chart_image(request, params, "svg")


@router.get(
    "/api/chart", summary="Chart as a PNG (chart service compatible)", responses=IMAGE_RESPONSES
)
async def read_chart(request: Request, params: Annotated[ImageParams, Query()]) -> Response:
    """The PNG of /api/chart.png, for clients of the headless chart service this replaces."""
    return await _chart_image(request, params, "png")


async def _chart_image(request: Request, params: ImageParams, fmt: str) -> Response:
    if params.width * params.height * params.scale**2 > MAX_PIXELS:
        raise ParameterError(
            "scale",
            f"width x height x scale² is over {MAX_PIXELS:,} pixels; ask for a smaller picture.",
        )
    renderer = get_renderer()
    try:
        view = await run_in_threadpool(_view_of, params)
        etag = _etag(view, params, fmt)
        settings = get_settings()
        headers = {"ETag": etag, "Cache-Control": f"public, max-age={int(settings.cache_ttl)}"}
        if view.source:
            headers["X-Source"] = view.source
        if etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        cache = _image_cache(settings.image_cache_mb)
        image = cache.get(etag)
        shared = get_shared_cache()
        if image is None and shared is not None:  # drawn by another worker or replica?
            image = await run_in_threadpool(shared.get, "images", etag)
            if image is not None:
                cache.put(etag, image)
        if image is None:
            renderer.check_capacity()
            figure = await run_in_threadpool(
                image_figure, view, theme_name=params.theme, decorate=_overlays(view, params)
            )
            cold = not renderer.warm
            image = await renderer.render_async(
                figure, fmt=fmt, width=params.width, height=params.height, scale=params.scale
            )
            if cold and renderer.start_seconds is not None:  # this picture waited for Chromium
                duration = f"{renderer.start_seconds * 1000:.0f}"
                headers["Server-Timing"] = f'browser-start;dur={duration};desc="Chromium started"'
            cache.put(etag, image)
            if shared is not None:
                await run_in_threadpool(shared.put, "images", etag, image)
    except ImageUnavailableError as exc:
        return JSONResponse(
            {"detail": exc.message},
            status_code=503,
            headers={"Retry-After": str(exc.retry_after)},
        )
    return Response(image, media_type=MEDIA_TYPES[fmt], headers=headers)


def _view_of(params: ImageParams) -> OhlcvView:
    settings = get_settings()
    return get_ohlcv(
        (params.symbol or "").strip() or settings.default_symbol,
        timeframe=params.timeframe or None,
        emas=parse_ema_periods(params.emas, settings.ema_periods),
        indicators=parse_indicators(seed_indicators(params.indicators)),
        chart=params.chart or None,
        end=parse_time_bound(params.end, "end"),
        limit=params.bars,
        feed=params.feed or None,
    )


def _overlays(view: OhlcvView, params: ImageParams) -> Callable[[go.Figure], None] | None:
    """The analysis overlays asked for, found on the bars drawn (as /api/analysis finds them)."""
    if not (params.levels or params.spikes):
        return None

    def decorate(figure: go.Figure) -> None:
        if params.levels:
            add_levels(figure, find_levels(view.frame))
        if params.spikes:
            add_volume_spikes(figure, find_volume_spikes(view.frame))

    return decorate


def seed_indicators(text: str | None) -> str:
    """The chart service's ``indicators`` words in ours: ``vol``/``volume`` dropped (our charts
    always draw the volume pane); the rest (``macd``, ``rsi``, ``ma:20`` = SMA 20) the catalog
    reads as they are."""
    if not text:
        return ""
    tokens = [token.strip() for token in text.split(",") if token.strip()]
    return ",".join(token for token in tokens if token.lower() not in SEED_VOLUME_WORDS)


def _etag(view: OhlcvView, params: ImageParams, fmt: str) -> str:
    drawn = (fmt, params.width, params.height, f"{params.scale:g}", params.theme, params.chart)
    options = "|".join(str(part) for part in (*drawn, params.levels, params.spikes))
    digest = hashlib.blake2b(options.encode(), digest_size=12)
    digest.update(view_digest(view).encode())
    return f'"{fmt}-{digest.hexdigest()}"'


def _image_cache(megabytes: float) -> ImageCache:
    global _cache
    if _cache is None:
        _cache = ImageCache(int(megabytes * 2**20))
    return _cache
