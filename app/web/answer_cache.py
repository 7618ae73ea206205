"""Built ``/api/ohlcv`` answers, reused while the data behind them is the very same.

An answer is a pure function of the request and of the prepared history the core cut the view
from. The core hands out windows of that history without copying, so the numpy buffer behind the
view's columns tells which history it is: when a new view of the same request sits on the same
buffer *object* as a stored answer, the stored answer is exact. The buffers are held by weak
reference, so an answer never keeps a history alive after the core has let it go.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np

from app.core import OhlcvView


@dataclass(frozen=True)
class Answer:
    etag: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class _Entry:
    answer: Answer
    buffers: tuple[weakref.ref, ...]


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

    def holds(self, request: Hashable) -> bool:
        """An answer to this request is stored and its history is still alive (so the core
        most likely has it prepared: a new view of it is cheap)."""
        with self._lock:
            entry = self._entries.get(request)
            return entry is not None and all(ref() is not None for ref in entry.buffers)

    def get(self, request: Hashable, view: OhlcvView) -> Answer | None:
        buffers = view_buffers(view)
        if buffers is None:
            return None
        with self._lock:
            entry = self._entries.get(request)
            if entry is None:
                return None
            held = tuple(ref() for ref in entry.buffers)
            if any(a is not b for a, b in zip(held, buffers, strict=True)):
                return None
            self._entries.move_to_end(request)
            return entry.answer

    def put(self, request: Hashable, view: OhlcvView, answer: Answer) -> None:
        buffers = view_buffers(view)
        if buffers is None or len(answer.body) > self.max_body_bytes:
            return
        entry = _Entry(answer, tuple(weakref.ref(buffer) for buffer in buffers))
        with self._lock:
            old = self._entries.pop(request, None)
            if old is not None:
                self._size -= len(old.answer.body)
            self._entries[request] = entry
            self._size += len(answer.body)
            while len(self._entries) > self.max_entries or self._size > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.answer.body)


def view_buffers(view: OhlcvView) -> tuple[np.ndarray, ...] | None:
    """The arrays owning the memory of the view's first and last columns (time, and the last EMA
    or volume), or None when they are not plain numpy arrays (then nothing is reused)."""
    frame = view.frame
    if frame.shape[1] == 0:
        return None
    owners = []
    for name in (frame.columns[0], frame.columns[-1]):
        owner = frame[name].values
        while isinstance(owner, np.ndarray) and isinstance(owner.base, np.ndarray):
            owner = owner.base
        if not isinstance(owner, np.ndarray) or owner.base is not None:
            return None
        owners.append(owner)
    return tuple(owners)
