"""GET /api/v1/cache-stats: what the answer, image and analysis caches hold and how they serve."""

from __future__ import annotations

from fastapi import APIRouter

from app.web.stats_caches import cache_stats

router = APIRouter(tags=["analysis"])


@router.get("/api/v1/cache-stats", summary="Entries, bytes, hits and misses of each cache")
async def read_cache_stats() -> dict:
    """`{"status": "success", "caches": {answers, images, analysis}}`, each `{entries, bytes,
    hits, misses}`: answers are /api/ohlcv's, images the chart pictures (/api/chart.png and
    /api/v1/analyze), analysis the /api/v1/analyze answers."""
    return {"status": "success", "caches": cache_stats()}
