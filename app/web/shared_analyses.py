"""Analyses shared through Redis (app.shared_cache, REDIS_URL set): the answers of
``GET /api/analysis`` and ``POST /api/v1/analyze``, keyed by the request's parameters and a
digest of the bars analysed, so a second worker or replica answers from Redis without
computing, narrating or drawing again.

A value read back crosses a boundary: it is parsed and checked against the route's answer model
and dropped (a miss, counted and warned about at most once a minute) when it is not one.
"""

from __future__ import annotations

import logging
import time

import orjson
import pandas as pd
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ValidationError

from app.metrics import CACHE_LOOKUPS
from app.shared_cache import get_shared_cache
from app.web.answer_cache import frame_digest

logger = logging.getLogger(__name__)
NAMESPACE = "analyses"
WARN_EVERY_S = 60.0
_last_warning = 0.0
_MALFORMED = CACHE_LOOKUPS.labels(f"shared_{NAMESPACE}", "malformed")


def shared_key(route: str, params: object, frame: pd.DataFrame) -> str | None:
    """The request (its parameters, as a repr) and the contents of the bars analysed; None
    without Redis (the digest, which reads every value, is then not computed)."""
    if get_shared_cache() is None:
        return None
    return f"{route}|{params!r}|{frame_digest(frame)}"


async def take(key: str | None, model: type[BaseModel]) -> bytes | None:
    """The stored answer's JSON bytes when another process made one that is a valid ``model``,
    else None. Redis is asked in a worker thread (it blocks up to its timeout)."""
    shared = get_shared_cache()
    if shared is None or key is None:
        return None
    stored = await run_in_threadpool(shared.get, NAMESPACE, key)
    if stored is None:
        return None
    try:
        model.model_validate(orjson.loads(stored))
    except (orjson.JSONDecodeError, ValidationError, ValueError, TypeError):
        _malformed()
        return None
    return stored


async def keep(key: str | None, body: bytes) -> None:
    shared = get_shared_cache()
    if shared is not None and key is not None:
        await run_in_threadpool(shared.put, NAMESPACE, key, body)


def _malformed() -> None:
    global _last_warning
    _MALFORMED.inc()
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY_S:
        _last_warning = now
        logger.warning("shared cache: an analysis in Redis was not a valid answer; ignored")
