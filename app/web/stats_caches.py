"""The caches GET /api/v1/cache-stats reports: /api/ohlcv's answers, the chart images and the
/api/v1/analyze answers (each entries, bytes, hits, misses)."""

from __future__ import annotations

from app.web.answer_cache import AnswerCache

# POST /api/v1/analyze answers, kept while the source returns the very same frame.
analysis_cache = AnswerCache(max_entries=256, max_bytes=128 * 2**20, max_body_bytes=4 * 2**20)

_EMPTY = {"entries": 0, "bytes": 0, "hits": 0, "misses": 0}


def cache_stats() -> dict[str, dict[str, int]]:
    from app.web.routes import images, ohlcv

    image_cache = images._cache  # built on the first picture
    return {
        "answers": ohlcv._answers.stats(),
        "images": image_cache.stats() if image_cache is not None else dict(_EMPTY),
        "analysis": analysis_cache.stats(),
    }
