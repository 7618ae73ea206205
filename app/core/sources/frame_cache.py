"""The frames a remote source has fetched, kept CACHE_TTL seconds (shared by the API, exchange,
Binance and UDF sources).

A bounded LRU: at most ``size`` frames, the least recently used dropped first; an entry past its
expiry is never answered. Thread-safe.

A second level shared by every worker and replica (Redis, when REDIS_URL is set) is plugged in
at start-up with :func:`use_shared_store` (the core does not import the app's Redis cache): on a
local miss it is read, on a fetch written, the frame as Arrow IPC bytes (app.core.sources.
frame_codec) with the same expiry. ``get`` and ``put`` may then block up to the store's timeout:
sources call them from worker threads; ``peek`` (asked on the event loop) stays local.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Protocol

import pandas as pd

from app.core.sources.frame_codec import frame_from_bytes, frame_to_bytes

logger = logging.getLogger(__name__)
DEFAULT_SIZE = 64
NAMESPACE = "frames"
WARN_EVERY_S = 60.0
_drops = {"count": 0, "warned_at": -WARN_EVERY_S}


class SharedStore(Protocol):
    """What app.shared_cache.SharedCache offers: bytes by namespace and key text, with a TTL;
    a store that is down answers None and drops writes."""

    def get(self, namespace: str, text: str) -> bytes | None: ...

    def put(
        self, namespace: str, text: str, value: bytes, *, ttl_s: float | None = None
    ) -> None: ...


_store_provider: Callable[[], SharedStore | None] | None = None


def use_shared_store(provider: Callable[[], SharedStore | None] | None) -> None:
    """Set at start-up: ``provider()`` is the shared store (or None); None turns sharing off."""
    global _store_provider
    _store_provider = provider


def _shared_store() -> SharedStore | None:
    provider = _store_provider
    return provider() if provider is not None else None


class FrameCache:
    """Frames by key (symbol, timeframe, bars, window), each with its own expiry. ``scope``
    names the upstream (source and address) in the shared store's keys; without it (a live
    poll's source, CACHE_TTL 0: it must see the forming bar) the cache stays in this process."""

    def __init__(self, size: int = DEFAULT_SIZE, *, scope: str | None = None) -> None:
        self.size = size
        self.scope = scope
        self._entries: OrderedDict[Hashable, tuple[float, pd.DataFrame]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> pd.DataFrame | None:
        """The live frame under ``key`` (now the most recently used), or None. Blocking when a
        shared store is in use: call from a worker thread."""
        now = time.monotonic()
        with self._lock:
            cached = self._entries.get(key)
            if cached is not None and cached[0] > now:
                self._entries.move_to_end(key)
                return cached[1]
        return self._get_shared(key)

    def peek(self, key: Hashable) -> pd.DataFrame | None:
        """As ``get`` without touching the order or the shared store: a web route asks this on
        the event loop."""
        with self._lock:
            cached = self._entries.get(key)
        return cached[1] if cached is not None and cached[0] > time.monotonic() else None

    def put(self, key: Hashable, frame: pd.DataFrame, ttl: float) -> None:
        """Keeps ``frame`` ``ttl`` seconds (not at all when ``ttl`` <= 0), here and in the
        shared store."""
        if ttl <= 0:
            return
        self._put_local(key, frame, ttl)
        store = _shared_store() if self.scope is not None else None
        if store is not None:
            value = frame_to_bytes(frame, time.time() + ttl)
            if value is not None:
                store.put(NAMESPACE, self._text(key), value, ttl_s=ttl)

    def _put_local(self, key: Hashable, frame: pd.DataFrame, ttl: float) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + ttl, frame)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def _get_shared(self, key: Hashable) -> pd.DataFrame | None:
        store = _shared_store() if self.scope is not None else None
        stored = store.get(NAMESPACE, self._text(key)) if store is not None else None
        found = frame_from_bytes(stored) if stored is not None else None
        if found is None:
            if stored is not None:
                _dropped()
            return None
        frame, left = found
        self._put_local(key, frame, left)
        return frame

    def _text(self, key: Hashable) -> str:
        return f"{self.scope}|{key!r}"


def _dropped() -> None:
    """A shared value that is not a live frame of ours: a miss, counted, warned about at most
    once a minute."""
    _drops["count"] += 1
    now = time.monotonic()
    if now - _drops["warned_at"] >= WARN_EVERY_S:
        _drops["warned_at"] = now
        logger.warning(
            "shared cache: a fetched frame in Redis was not valid; ignored (%d so far)",
            _drops["count"],
        )
