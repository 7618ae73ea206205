"""GET (and HEAD) /health, for container health checks and load balancers.

``async`` on purpose: it runs on the event loop, not in the worker threads, so it answers at once
even while every worker thread waits on a slow upstream.
"""

from __future__ import annotations

from fastapi import APIRouter

from app.web.schemas import HealthOut

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut, summary="Liveness check")
async def read_health() -> HealthOut:
    return HealthOut(status="ok")
