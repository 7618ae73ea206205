"""Whether Redis is in use: REDIS_URL given (not blank) turns on every Redis use (live bars,
shared caches, rate-limit counters); LIVE_BACKEND=redis alone does too, on REDIS_URL's
default address; LIVE_BACKEND=memory with REDIS_URL keeps live bars in each process while the
caches and counters are shared. The committed ``.env`` leaves REDIS_URL blank and LIVE_BACKEND
unset, so ``make run`` needs no Redis.

REDIS_URL has a default (``redis://127.0.0.1:6379/0``, what LIVE_BACKEND=redis used before), so
whether it was *given* is read from the raw settings before that default fills it in.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, PrivateAttr, model_validator
from pydantic_settings import BaseSettings


class SharedRedisSettings(BaseSettings):
    _redis_url_given: bool = PrivateAttr(default=False)
    # The shared cache (answers, images): how long an entry lives, and the largest one kept.
    shared_cache_ttl_s: float = Field(default=600.0, gt=0, le=86_400)
    shared_cache_max_kb: float = Field(default=4096.0, gt=0, le=65_536)

    @model_validator(mode="wrap")
    @classmethod
    def _note_redis_url(cls, data: Any, handler: Any) -> Any:
        raw = data.get("redis_url") if isinstance(data, dict) else None
        backend_given = isinstance(data, dict) and data.get("live_backend") not in (None, "")
        settings = handler(data)
        settings._redis_url_given = isinstance(raw, str) and bool(raw.strip())
        if settings._redis_url_given and not backend_given and hasattr(settings, "live_backend"):
            settings.live_backend = "redis"  # REDIS_URL alone: live bars shared too
        return settings

    @property
    def redis_enabled(self) -> bool:
        """Redis shared by workers and replicas: REDIS_URL set, or LIVE_BACKEND=redis."""
        return self._redis_url_given or getattr(self, "live_backend", "memory") == "redis"
