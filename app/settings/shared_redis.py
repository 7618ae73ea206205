"""Whether Redis is in use: REDIS_URL given (not blank) turns on every Redis use (live bars,
shared caches, rate-limit counters); LIVE_BACKEND=redis alone does too, on REDIS_URL's
default address. The committed ``.env`` leaves REDIS_URL blank, so ``make run`` needs none.

REDIS_URL has a default (``redis://127.0.0.1:6379/0``, what LIVE_BACKEND=redis used before), so
whether it was *given* is read from the raw settings before that default fills it in.
"""

from __future__ import annotations

from typing import Any

from pydantic import PrivateAttr, model_validator
from pydantic_settings import BaseSettings


class SharedRedisSettings(BaseSettings):
    _redis_url_given: bool = PrivateAttr(default=False)

    @model_validator(mode="wrap")
    @classmethod
    def _note_redis_url(cls, data: Any, handler: Any) -> Any:
        raw = data.get("redis_url") if isinstance(data, dict) else None
        settings = handler(data)
        settings._redis_url_given = isinstance(raw, str) and bool(raw.strip())
        return settings

    @property
    def redis_enabled(self) -> bool:
        """Redis shared by workers and replicas: REDIS_URL set, or LIVE_BACKEND=redis."""
        return self._redis_url_given or getattr(self, "live_backend", "memory") == "redis"
