"""An overall deadline for a requests/urllib3 fetch, retries and their waits included.

urllib3's timeouts bound each socket operation, not a request: a server that drips a byte a
second never trips them, and retries add up. Inside ``with Deadline(seconds):`` (per thread),
the adapter's connections give each connect and each wait for an answer at most the time left,
``DeadlineRetry`` makes no retry whose wait would pass the deadline (and counts the retries
made), and a watchdog shuts the fetch's sockets down when the deadline passes, which wakes any
read blocked on them. A deadline entered inside another ends no later than it, and hands the
thread back to it on leaving.

One watchdog thread serves every deadline in the process (a heap of expiry times), started with
the first: a thread per fetch cost more than the fetch of a small answer from a nearby server
(5 ms to start one on a loaded machine, against a 1 ms answer).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.retry import Retry

_local = threading.local()


class OutOfTime(Exception):  # a signal between our Retry and the fetch, never shown
    """The next retry's wait would pass the deadline; ``status`` is the last answer's, if any."""

    def __init__(self, status: int | None) -> None:
        super().__init__(status)
        self.status = status


class Deadline:
    """The time left for one fetch, and the sockets to shut when it runs out."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires = time.monotonic() + seconds
        self.retries = 0
        self.expired = False
        self.done = False  # left: the watchdog lets it be
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def remaining(self) -> float:
        return self.expires - time.monotonic()

    def clamp(self, timeout: object) -> float:
        """``timeout`` (seconds, or None for none) cut to the time left."""
        left = max(self.remaining(), 0.001)
        return min(float(timeout), left) if isinstance(timeout, int | float) else left

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if self.expired:
                _shut(sock)
            elif sock not in self._sockets:
                self._sockets.append(sock)

    def _expire(self) -> None:
        with self._lock:
            if self.done:
                return
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def __enter__(self) -> Deadline:
        self._outer = _current()  # a fetch inside another's (a source falling back to another)
        if self._outer is not None and self._outer.done:
            self._outer = None  # one left out of order bounds nothing
        if self._outer is not None and self._outer.expires < self.expires:
            self.expires = self._outer.expires  # never outlives the fetch it is part of
        _local.deadline = self
        _WATCHDOG.add(self)
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.done = True
            self._sockets.clear()
        _local.deadline = self._outer


class _Watchdog:
    """One thread that expires every deadline when its time comes (earliest first)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, deadline: Deadline) -> None:
        with self._wake:
            heapq.heappush(self._heap, (deadline.expires, next(self._order), deadline))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="upstream-deadlines", daemon=True
                )
                self._thread.start()
            if self._heap[0][2] is deadline:  # earlier than what the thread sleeps until
                self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._heap and self._heap[0][2].done:  # left in time: forget it
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wake.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                deadline = heapq.heappop(self._heap)[2]
            deadline._expire()  # outside the heap's lock: it takes the deadline's own


_WATCHDOG = _Watchdog()


def _shut(sock: socket.socket) -> None:
    """Wake a read blocked on ``sock`` in another thread (the plain socket's shutdown: an
    SSLSocket's own would drop its TLS state under that thread's feet)."""
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _current() -> Deadline | None:
    return getattr(_local, "deadline", None)


class _DeadlineConnectionMixin:
    """Gives each connect and each wait for an answer at most the fetch's time left, and lets
    the watchdog reach the socket."""

    sock: socket.socket | None
    timeout: Any

    def connect(self) -> None:
        deadline = _current()
        if deadline is not None:
            self.timeout = deadline.clamp(self.timeout)
        super().connect()  # type: ignore[misc]
        if deadline is not None and self.sock is not None:
            deadline.watch(self.sock)

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        deadline = _current()
        if deadline is not None:
            self.timeout = deadline.clamp(self.timeout)
            if self.sock is not None:
                deadline.watch(self.sock)
        return super().getresponse(*args, **kwargs)  # type: ignore[misc]


class _Connection(_DeadlineConnectionMixin, HTTPConnection):
    pass


class _TLSConnection(_DeadlineConnectionMixin, HTTPSConnection):
    pass


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _TLSConnection


class DeadlineAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}


class DeadlineRetry(Retry):
    """urllib3's Retry that counts the retries it makes and makes none it has no time for."""

    def increment(self, *args: Any, **kwargs: Any) -> Retry:
        new = super().increment(*args, **kwargs)  # MaxRetryError when exhausted: not counted
        deadline = _current()
        if deadline is not None:
            deadline.retries += 1
        return new

    def sleep(self, response: Any = None) -> None:
        deadline = _current()
        if deadline is not None:
            wait = None
            if self.respect_retry_after_header and response is not None:
                wait = self.get_retry_after(response)
            if not wait:
                wait = self.get_backoff_time()
            if wait >= deadline.remaining():
                deadline.retries -= 1  # counted by increment, never made
                raise OutOfTime(getattr(response, "status", None))
        super().sleep(response)
