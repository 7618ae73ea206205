"""FastAPI front end: the hosted chart page and the JSON OHLCV API.

Run: ``uvicorn app.main_fastapi:app --host 127.0.0.1 --port 8000``.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.config import get_settings
from app.core import ConfigError
from app.core.sources.frame_cache import use_shared_store
from app.images import start_renderer, stop_renderer
from app.shared_cache import get_shared_cache
from app.web.access import install_access
from app.web.docs import mount_offline_docs
from app.web.errors import register_error_handlers
from app.web.head import HeadAsGetMiddleware
from app.web.ops import install_ops, start_ops, stop_ops
from app.web.routes import (
    alerts,
    analysis,
    analyze_v1,
    cache_stats,
    chart,
    drawings,
    health,
    images,
    indicators,
    layouts,
    live,
    metrics,
    ohlcv,
    quotes,
    report,
    scan,
    scans,
    scheduler,
    symbols,
    timeframes,
    udf,
    workspace,
)
from app.web.routes.chart import WEB_DIR
from app.web.single_values import SingleValuedQueryMiddleware
from app.web.store_deps import start_store, stop_store


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Chromium for chart images opens at the first picture (IMAGE_PREWARM=true: at start, in
    the background), and is closed at shutdown. So is the live hub's Redis link, if configured."""
    if get_settings().image_prewarm:
        start_renderer()
    start_store(app)
    live.start_live(app)
    await alerts.start_alerts(app)
    start_ops(app, live.live_service(app).stats)
    await scheduler.start_scheduler(app, get_settings())  # SCAN_SCHEDULE; idle when blank
    freeze_startup_objects()
    try:
        yield
    finally:
        await scheduler.stop_scheduler(app)
        await stop_ops(app)
        await alerts.stop_alerts(app)
        await live.stop_live(app)
        stop_store(app)
        stop_renderer()


def freeze_startup_objects() -> None:
    """Move what start-up built (modules, pandas, plotly: ~200,000 objects) out of the cyclic
    GC's sight (``gc.freeze``): a full collection no longer walks them, so the pauses it puts
    in the live fan-out's tail shrink (#25, 1,000 WS clients on a shared 2-core machine: median
    full collection ~0.7 s at a load average of 8-11 before, ~0.25 s at 6-8 after). They live
    as long as the process anyway."""
    gc.collect()
    gc.freeze()


def create_app() -> FastAPI:
    """The app; bad settings stop it here with their message (naming the variable and what it
    accepts), rather than every request answering 503."""
    try:
        settings = get_settings()
    except ConfigError as exc:
        raise SystemExit(f"Super Chart cannot start. {exc.message}") from None
    # Broker and exchange fetches shared through Redis (REDIS_URL), injected into the core.
    use_shared_store(get_shared_cache if settings.redis_enabled else None)
    app = FastAPI(
        title="Super Chart",
        summary="TradingView-style candlestick charts and an OHLCV JSON API.",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    register_error_handlers(app)
    app.add_middleware(SingleValuedQueryMiddleware)  # a repeated query parameter is a 422
    app.add_middleware(HeadAsGetMiddleware)  # HEAD on every GET route, /health included
    install_access(app, settings)  # API_TOKENS, ALLOWED_IPS, RATE_LIMIT...: none by default
    install_ops(app, settings)  # request ids, metrics, JSON logs (outermost): off by default
    routers = (health, ohlcv, indicators, symbols, timeframes, chart, analysis, scan, report)
    stored = (layouts, drawings, quotes, alerts)
    for module in (*routers, workspace, images, live, *stored, udf, metrics):
        app.include_router(module.router)
    for module in (analyze_v1, cache_stats, scheduler, scans):  # the v1 service's interface
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    mount_offline_docs(app)
    return app


app = create_app()
