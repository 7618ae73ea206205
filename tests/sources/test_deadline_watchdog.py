"""The one watchdog thread behind every upstream deadline: the earliest expires first whatever
else is waiting, a deadline left in time never fires, and no thread is started per fetch."""

from __future__ import annotations

import socket
import threading
import time

from app.core.sources.http_deadline import Deadline


def blocked_read(deadline: Deadline) -> float:
    """Seconds a recv on a silent socket waited before the watchdog shut it."""
    left, right = socket.socketpair()
    with left, right:
        deadline.watch(left)
        started = time.monotonic()
        assert left.recv(1) == b""  # woken by the shutdown, not by data
        return time.monotonic() - started


def test_the_earliest_deadline_fires_first_among_many_later_ones():
    waiting = []
    for _ in range(200):
        later = Deadline(30)
        later.__enter__()
        waiting.append(later)
    try:
        with Deadline(0.3) as soon:
            waited = blocked_read(soon)
        assert soon.expired and 0.2 < waited < 2.0
    finally:
        for later in reversed(waiting):  # innermost first, as nested with blocks leave
            later.__exit__(None, None, None)
    assert not any(later.expired for later in waiting)


def test_a_deadline_left_in_time_never_fires_and_no_thread_is_started_per_fetch():
    with Deadline(5):
        pass  # the watchdog thread exists from here on
    before = threading.active_count()
    deadlines, during = [], []
    for _ in range(50):
        with Deadline(0.2) as deadline:
            deadlines.append(deadline)
            during.append(threading.active_count())  # a timer thread per fetch would show
    assert set(during) == {before}
    time.sleep(0.4)
    assert not any(deadline.expired for deadline in deadlines)
