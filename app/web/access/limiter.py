"""The rate-limit counters (the ``limits`` library's async API, so the event loop never blocks):
in this process's memory, or in Redis so every worker and replica shares them. While Redis is
unreachable the counters fall back to memory (one warning), and Redis is tried again shortly."""

from __future__ import annotations

import asyncio
import logging
import math
import time

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.errors import StorageError

logger = logging.getLogger(__name__)
RETRY_REDIS_S = 5.0
SWEEP_S = 1.0  # expired in-memory counters are dropped this often
KEY_PREFIX = "superchart:limits"
MAX_KEYS_HELD = 100_000  # clients whose storage keys are remembered (then forgotten at once)


class Verdict:
    __slots__ = ("allowed", "limit", "remaining", "reset_s")

    def __init__(self, allowed: bool, limit: int, remaining: int, reset_s: int) -> None:
        self.allowed = allowed
        self.limit = limit  # of the tightest rate
        self.remaining = remaining
        self.reset_s = reset_s  # seconds until the window starts again

    def headers(self) -> list[tuple[bytes, bytes]]:
        return [
            (b"ratelimit-limit", str(self.limit).encode()),
            (b"ratelimit-remaining", str(self.remaining).encode()),
            (b"ratelimit-reset", str(self.reset_s).encode()),
        ]


def redis_storage(url: str, timeout_s: float) -> Storage:
    return RedisStorage(
        "async+" + url,
        implementation="redispy",
        wrap_exceptions=True,
        key_prefix=KEY_PREFIX,
        socket_timeout=timeout_s,
        socket_connect_timeout=timeout_s,
    )


class SweptMemoryStorage(MemoryStorage):
    """``limits``' in-memory storage (its counters, expirations and sweep task), counted for
    fixed windows in one synchronous step: nothing in it waits, so on the event loop it needs
    neither the library's per-key asyncio locks nor an ``await`` per read. Expired counters are
    swept at most every ``SWEEP_S`` (the library starts a sweep task from every ``incr``, each
    walking every key); an expired counter is reset when next counted, so windows stay exact."""

    def __init__(self) -> None:
        super().__init__()
        self._sweep_at = 0.0
        self._sweeping: asyncio.Future | None = None

    def count(self, key: str, expiry: float) -> tuple[int, float]:
        """Add one to ``key``'s window; (its count, when it ends, epoch seconds)."""
        now = time.time()
        ends = self.expirations.get(key)
        if ends is not None and ends <= now:
            self.storage.pop(key, None)
            ends = None
        if ends is None:
            ends = self.expirations[key] = now + expiry
        value = self.storage[key] = self.storage.get(key, 0) + 1
        if time.monotonic() >= self._sweep_at:
            self._sweep_at = time.monotonic() + SWEEP_S
            schedule = self._MemoryStorage__schedule_expiry  # type: ignore[attr-defined]
            self._sweeping = asyncio.ensure_future(schedule())
        return value, ends


class RateLimiter:
    """Fixed windows, as ``limits``' FixedWindowRateLimiter counts them, read in one pass: one
    ``incr`` (which starts the window) and one ``get_expiry`` per rate, so the verdict and the
    RateLimit-* figures cost two storage calls, not four."""

    def __init__(self, rate: str, shared: Storage | None = None) -> None:
        self.items: list[RateLimitItem] = parse_many(rate)
        self._local: Storage = SweptMemoryStorage()
        self._shared = shared
        self._shared_down_until = 0.0
        self._expiries = [item.get_expiry() for item in self.items]
        self._keys: dict[str, list[str]] = {}  # client key -> its storage key per rate

    def storage_keys(self, key: str) -> list[str]:
        keys = self._keys.get(key)
        if keys is None:
            if len(self._keys) >= MAX_KEYS_HELD:
                self._keys.clear()
            keys = self._keys[key] = [item.key_for(key) for item in self.items]
        return keys

    async def hit(self, key: str) -> Verdict:
        """Count one request of ``key`` against every rate; the verdict of the tightest."""
        if self._shared is not None and time.monotonic() >= self._shared_down_until:
            try:
                verdict = await self._hit(self._shared, key)
            except StorageError as exc:
                if not self._shared_down_until:
                    logger.warning(
                        "rate limits: Redis unreachable (%s); counting in this process until "
                        "it is back",
                        type(exc.storage_error).__name__,
                    )
                self._shared_down_until = time.monotonic() + RETRY_REDIS_S
            else:
                if self._shared_down_until:
                    logger.warning("rate limits: Redis is back; counters shared again")
                    self._shared_down_until = 0.0
                return verdict
        return await self._hit(self._local, key)

    async def _hit(self, storage: Storage, key: str) -> Verdict:
        tightest: Verdict | None = None
        now = time.time()
        for item, storage_key, expiry in zip(
            self.items, self.storage_keys(key), self._expiries, strict=True
        ):
            if isinstance(storage, SweptMemoryStorage):
                count, reset_at = storage.count(storage_key, expiry)
            else:
                count = await storage.incr(storage_key, expiry)
                reset_at = await storage.get_expiry(storage_key)
            verdict = Verdict(
                count <= item.amount,
                item.amount,
                max(0, item.amount - count),
                max(1, min(expiry, math.ceil(reset_at - now))),
            )
            if not verdict.allowed:
                return verdict
            if tightest is None or verdict.remaining < tightest.remaining:
                tightest = verdict
        assert tightest is not None
        return tightest
