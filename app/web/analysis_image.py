"""The PNG of an analysis: the analysed bars as /api/chart.png draws them, with the analysis'
own levels and volume spikes on it, from the warm Chromium and the images' cache."""

from __future__ import annotations

import hashlib

import plotly.graph_objects as go
from fastapi.concurrency import run_in_threadpool

from app.charts.images import image_figure, view_digest
from app.charts.plotly_overlays import add_levels, add_volume_spikes
from app.config import get_settings
from app.core import get_ohlcv
from app.core.analysis import Analysis
from app.images import ImageUnavailableError, get_renderer

WIDTH, HEIGHT = 1200, 700


async def analysis_png(
    symbol: str, timeframe: str, bars: int, analysis: Analysis
) -> tuple[bytes | None, str | None]:
    """``(png, None)``, or ``(None, why)`` when the renderer cannot draw it now (no Chromium,
    full, timed out): the analysis is still worth answering."""
    from app.web.routes.images import _image_cache

    settings = get_settings()
    view = await run_in_threadpool(
        lambda: get_ohlcv(symbol, timeframe=timeframe, emas=settings.ema_periods, limit=bars)
    )
    digest = hashlib.blake2b(b"analysis|png", digest_size=12)
    digest.update(view_digest(view).encode())
    digest.update(repr((analysis.levels, analysis.volume_spikes)).encode())
    key = f'"analysis-{digest.hexdigest()}"'
    cache = _image_cache(settings.image_cache_mb)
    image = cache.get(key)
    if image is not None:
        return image, None
    renderer = get_renderer()
    try:
        renderer.check_capacity()

        def decorate(figure: go.Figure) -> None:
            add_levels(figure, analysis.levels)
            add_volume_spikes(figure, analysis.volume_spikes)

        figure = await run_in_threadpool(image_figure, view, decorate=decorate)
        image = await renderer.render_async(figure, fmt="png", width=WIDTH, height=HEIGHT)
    except ImageUnavailableError as exc:
        return None, exc.message
    cache.put(key, image)
    return image, None
