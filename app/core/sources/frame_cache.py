"""The frames a remote source has fetched, kept CACHE_TTL seconds (shared by the API, exchange,
Binance and UDF sources).

A bounded LRU: at most ``size`` frames, the least recently used dropped first; an entry past its
expiry is never answered. Thread-safe.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable

import pandas as pd

DEFAULT_SIZE = 64


class FrameCache:
    """Frames by key (symbol, timeframe, bars, window), each with its own expiry."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[float, pd.DataFrame]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> pd.DataFrame | None:
        """The live frame under ``key`` (now the most recently used), or None."""
        now = time.monotonic()
        with self._lock:
            cached = self._entries.get(key)
            if cached is None or cached[0] <= now:
                return None
            self._entries.move_to_end(key)
            return cached[1]

    def peek(self, key: Hashable) -> pd.DataFrame | None:
        """As ``get`` without touching the order: a web route asks this on the event loop."""
        with self._lock:
            cached = self._entries.get(key)
        return cached[1] if cached is not None and cached[0] > time.monotonic() else None

    def put(self, key: Hashable, frame: pd.DataFrame, ttl: float) -> None:
        """Keeps ``frame`` ``ttl`` seconds (not at all when ``ttl`` <= 0)."""
        if ttl <= 0:
            return
        with self._lock:
            self._entries[key] = (time.monotonic() + ttl, frame)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
