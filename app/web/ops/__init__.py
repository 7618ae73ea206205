"""Operating the FastAPI service: request ids, Prometheus metrics, JSON logs.

``install_ops`` adds what the settings ask for: the request-id and metrics middleware
(``observe``), the JSON log format (``json_logs``) and the live figures' sync
(``live_metrics``); ``GET /metrics`` is ``app.web.routes.metrics``.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from fastapi import FastAPI

from app.config import Settings, get_settings
from app.web.access.client import ClientResolver
from app.web.ops.cluster_stats import ClusterStats
from app.web.ops.json_logs import use_json_logs
from app.web.ops.live_metrics import LiveMetricsSync
from app.web.ops.observe import ObserveMiddleware

__all__ = ["install_ops", "start_ops", "stop_ops"]


def install_ops(app: FastAPI, settings: Settings) -> None:
    if settings.log_format == "json":
        use_json_logs()
    if settings.metrics_enabled or settings.log_format == "json":
        app.add_middleware(
            ObserveMiddleware,
            resolver=ClientResolver(settings.trusted_proxies, settings.forwarded_header),
            metrics=settings.metrics_enabled,
            access_log=settings.log_format == "json",
        )


def start_ops(app: FastAPI, live_stats: Callable[[], dict[str, object]]) -> None:
    """At app start, with METRICS_ENABLED: the live figures' sync."""
    settings = get_settings()
    if settings.metrics_enabled:
        sync = app.state.live_metrics = LiveMetricsSync(live_stats)
        sync.start()
    if settings.redis_enabled:
        cluster = app.state.cluster_stats = ClusterStats(
            settings.redis_url, settings.live_redis_timeout_s, live_stats
        )
        cluster.start()


async def stop_ops(app: FastAPI) -> None:
    """At shutdown: the last live figures; a dead worker's gauges leave the multiprocess sums."""
    sync = getattr(app.state, "live_metrics", None)
    if sync is not None:
        await sync.stop()
    cluster = getattr(app.state, "cluster_stats", None)
    if cluster is not None:
        await cluster.stop()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())
