"""GET /metrics: Prometheus' text format (METRICS_ENABLED=true; 404 otherwise).

Under several uvicorn workers set PROMETHEUS_MULTIPROC_DIR (an empty folder, emptied at each
start): each worker writes its figures there and the one answering sums them all.
"""

from __future__ import annotations

import os

from fastapi import APIRouter, HTTPException, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from app.config import get_settings

router = APIRouter(tags=["ops"])


def _registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
async def read_metrics(request: Request) -> Response:
    if not get_settings().metrics_enabled:
        raise HTTPException(404, "Metrics are off (METRICS_ENABLED=true turns them on).")
    sync = getattr(request.app.state, "live_metrics", None)
    if sync is not None:
        sync.sync()  # this worker's live figures as of now
    return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)
