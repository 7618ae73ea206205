"""Rendered images by ETag: the same bars and options give the same picture, so it is drawn once.

An LRU bounded in bytes (IMAGE_CACHE_MB) and in entries; an image larger than a tenth of the
budget is not kept (it would push out many small ones).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from app.metrics import CACHE_LOOKUPS

MAX_ENTRIES = 512
_HIT = CACHE_LOOKUPS.labels("images", "hit")
_MISS = CACHE_LOOKUPS.labels("images", "miss")


class ImageCache:
    def __init__(self, max_bytes: int, max_entries: int = MAX_ENTRIES) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._images: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: str) -> bytes | None:
        with self._lock:
            image = self._images.get(key)
            if image is not None:
                self.hits += 1
                self._images.move_to_end(key)
            else:
                self.misses += 1
        (_MISS if image is None else _HIT).inc()
        return image

    def stats(self) -> dict[str, int]:
        """Entries, bytes held, hits and misses (GET /api/v1/cache-stats)."""
        with self._lock:
            return {
                "entries": len(self._images),
                "bytes": self._size,
                "hits": self.hits,
                "misses": self.misses,
            }

    def put(self, key: str, image: bytes) -> None:
        if len(image) > self.max_bytes // 10:
            return
        with self._lock:
            old = self._images.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._images[key] = image
            self._size += len(image)
            while self._size > self.max_bytes or len(self._images) > self.max_entries:
                _, dropped = self._images.popitem(last=False)
                self._size -= len(dropped)

    def __len__(self) -> int:
        return len(self._images)

    @property
    def size(self) -> int:
        return self._size
