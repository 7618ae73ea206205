"""GET /health, for container health checks."""

from __future__ import annotations

from fastapi import APIRouter

from app.web.schemas import HealthOut

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut, summary="Liveness check")
def read_health() -> HealthOut:
    return HealthOut(status="ok")
