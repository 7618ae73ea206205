"""A cache in Redis that every worker and replica shares (REDIS_URL set): byte values under a
namespace, each with a TTL, each at most SHARED_CACHE_MAX_KB; Redis' own ``maxmemory`` policy
bounds the whole (run it with ``maxmemory`` and ``allkeys-lru``).

It only ever adds to the in-process caches in front of it: a Redis that is down, slow or
answering garbage is a miss. The first failure logs one warning, then Redis is left alone for
``RETRY_S`` before it is tried again, and its return is logged too. Keys are digests, so no
symbol, query or token text is stored as a key.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time

import redis

from app.metrics import CACHE_LOOKUPS, SHARED_CACHE_ERRORS

logger = logging.getLogger(__name__)
PREFIX = "superchart:cache:"
RETRY_S = 5.0
FAILURES = (redis.RedisError, OSError, TimeoutError)


class SharedCache:
    def __init__(self, url: str, *, timeout_s: float, ttl_s: float, max_value_bytes: int) -> None:
        self.ttl_s = ttl_s
        self.max_value_bytes = max_value_bytes
        self._client = redis.Redis.from_url(
            url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s, retry=None
        )
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._down = False

    @staticmethod
    def key(namespace: str, text: str) -> str:
        return PREFIX + namespace + ":" + hashlib.sha256(text.encode()).hexdigest()[:40]

    def get(self, namespace: str, text: str) -> bytes | None:
        """The value, or None (absent, too large, or Redis unavailable). Blocks up to the
        timeout: call it from a worker thread, not the event loop."""
        if not self._usable():
            return None
        try:
            value = self._client.get(self.key(namespace, text))
        except FAILURES as exc:
            self._failed(exc)
            return None
        self._recovered()
        if not isinstance(value, bytes) or len(value) > self.max_value_bytes:
            value = None
        CACHE_LOOKUPS.labels(f"shared_{namespace}", "miss" if value is None else "hit").inc()
        return value

    def put(self, namespace: str, text: str, value: bytes, *, ttl_s: float | None = None) -> None:
        """Stores ``value`` for ``ttl_s`` seconds (SHARED_CACHE_TTL_S when None)."""
        if len(value) > self.max_value_bytes or not self._usable():
            return
        ttl_ms = max(1, int((self.ttl_s if ttl_s is None else ttl_s) * 1000))
        try:
            self._client.set(self.key(namespace, text), value, px=ttl_ms)
        except FAILURES as exc:
            self._failed(exc)
            return
        self._recovered()

    def _usable(self) -> bool:
        return not self._down or time.monotonic() >= self._down_until

    def _failed(self, exc: BaseException) -> None:
        SHARED_CACHE_ERRORS.inc()
        with self._lock:
            first = not self._down
            self._down, self._down_until = True, time.monotonic() + RETRY_S
        if first:
            logger.warning(
                "shared cache: Redis unavailable (%s); using this process's caches only, "
                "retrying every %g s",
                type(exc).__name__,
                RETRY_S,
            )

    def _recovered(self) -> None:
        if self._down:
            with self._lock:
                was_down, self._down = self._down, False
            if was_down:
                logger.warning("shared cache: Redis is back; caches shared again")


_shared: SharedCache | None = None
_shared_lock = threading.Lock()


def get_shared_cache() -> SharedCache | None:
    """The process's shared cache when Redis is configured (REDIS_URL), else None."""
    global _shared
    from app.config import get_settings

    settings = get_settings()
    if not settings.redis_enabled:
        return None
    with _shared_lock:
        if _shared is None:
            _shared = SharedCache(
                settings.redis_url,
                timeout_s=settings.live_redis_timeout_s,
                ttl_s=settings.shared_cache_ttl_s,
                max_value_bytes=int(settings.shared_cache_max_kb * 1024),
            )
        return _shared
