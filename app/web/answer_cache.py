"""Built ``/api/ohlcv`` answers, reused while the data behind them is the very same.

An answer is a pure function of the request and of the frame the data source returned. A source
hands back the same frame *object* until its data changes (a file: until it is rewritten), which
is also what the core's own cache of prepared histories relies on. So an answer stored with a
weak reference to that frame is exact for as long as the source still returns that object; the
weak reference never keeps an old history alive.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

import orjson
import pandas as pd

from app.metrics import CACHE_LOOKUPS

_HIT = CACHE_LOOKUPS.labels("answers", "hit")
_MISS = CACHE_LOOKUPS.labels("answers", "miss")


@dataclass(frozen=True)
class Answer:
    etag: str
    headers: dict[str, str]
    body: bytes | None  # None: not serialised, the client already holds it (a 304)


@dataclass(frozen=True)
class _Entry:
    answer: Answer
    source: weakref.ref


class AnswerCache:
    """An LRU of answers bounded in entries and bytes; answers over ``max_body_bytes`` are not
    kept (a 100,000-bar answer is rebuilt rather than pinning tens of MB)."""

    def __init__(self, *, max_entries: int, max_bytes: int, max_body_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_body_bytes = max_body_bytes
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, request: Hashable, source: pd.DataFrame) -> Answer | None:
        with self._lock:
            entry = self._entries.get(request)
            if entry is None or entry.source() is not source:
                self.misses += 1
                _MISS.inc()
                return None
            self.hits += 1
            self._entries.move_to_end(request)
        _HIT.inc()
        return entry.answer

    def note_miss(self) -> None:
        """A lookup that could not even be tried (the data is not loaded yet)."""
        with self._lock:
            self.misses += 1
        _MISS.inc()

    def stats(self) -> dict[str, int]:
        """Entries, bytes held, hits and misses (GET /api/v1/cache-stats)."""
        with self._lock:
            return {
                "entries": len(self._entries),
                "bytes": self._size,
                "hits": self.hits,
                "misses": self.misses,
            }

    def put(self, request: Hashable, source: pd.DataFrame, answer: Answer) -> None:
        if answer.body is None or len(answer.body) > self.max_body_bytes:
            return
        entry = _Entry(answer, weakref.ref(source))
        with self._lock:
            old = self._entries.pop(request, None)
            if old is not None:
                self._size -= len(old.answer.body)
            self._entries[request] = entry
            self._size += len(answer.body)
            while len(self._entries) > self.max_entries or self._size > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.answer.body)


# -- sharing answers through Redis (app.shared_cache) -------------------------------------------

_digests: dict[int, tuple[weakref.ref, str]] = {}
_digests_lock = threading.Lock()
MAX_DIGESTS = 1024


def frame_digest(frame: pd.DataFrame) -> str:
    """A digest of a frame's contents, the same in every process that loaded the same data;
    computed once per frame object (it reads every value)."""
    with _digests_lock:
        held = _digests.get(id(frame))
        if held is not None and held[0]() is frame:
            return held[1]
    values = pd.util.hash_pandas_object(frame, index=True).to_numpy()
    digest = hashlib.sha256(values.tobytes() + ",".join(map(str, frame.columns)).encode())
    text = digest.hexdigest()
    with _digests_lock:
        if len(_digests) >= MAX_DIGESTS:
            for key in [k for k, (ref, _) in _digests.items() if ref() is None]:
                del _digests[key]
            while len(_digests) >= MAX_DIGESTS:
                del _digests[next(iter(_digests))]
        _digests[id(frame)] = (weakref.ref(frame), text)
    return text


def answer_to_bytes(answer: Answer) -> bytes:
    assert answer.body is not None
    head = orjson.dumps({"etag": answer.etag, "headers": answer.headers})
    return len(head).to_bytes(4, "big") + head + answer.body


def answer_from_bytes(data: bytes) -> Answer | None:
    """An answer read back from Redis, or None when it is not one (checked, never trusted)."""
    try:
        size = int.from_bytes(data[:4], "big")
        head = orjson.loads(data[4 : 4 + size])
    except (orjson.JSONDecodeError, ValueError):
        return None
    if not isinstance(head, dict) or not isinstance(head.get("etag"), str):
        return None
    headers = head.get("headers")
    if not isinstance(headers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        return None
    return Answer(head["etag"], headers, data[4 + size :])
