"""Where the live fan-out's tail goes: GC pauses and event-loop stalls of this process (#25).

Everything here runs on the one event loop, so anything that holds it (a GC collection, a slow
callback) delays every client's update by as long. ``PauseMonitor`` counts both, cheaply enough
to stay on in production, and ``GET /api/stats`` shows them under ``pauses``:
- each GC collection's duration by generation (``gc.callbacks``: start/stop of every collection);
- the loop's lateness, from a ticker that asks to wake every ``TICK_S`` and notes how late it
  woke (what any callback scheduled then would have waited).
The latest full (generation 2) collections and stalls are kept with their wall-clock time, so a
benchmark can tell which fell inside its measured window.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections import deque
from typing import Any

TICK_S = 0.02
STALL_S = 0.02  # lateness worth noting: a frame at 50 fps
RECENT = 64  # the latest full collections and stalls kept, with their time


class PauseMonitor:
    def __init__(self) -> None:
        self.collections = [0, 0, 0]
        self.collected = [0, 0, 0]
        self.total_s = [0.0, 0.0, 0.0]
        self.max_s = [0.0, 0.0, 0.0]
        self.full: deque[tuple[float, float, int]] = deque(maxlen=RECENT)  # (at, s, collected)
        self.stalls: deque[tuple[float, float]] = deque(maxlen=RECENT)  # (at, s late)
        self.stall_count = 0
        self.stall_total_s = 0.0
        self.stall_max_s = 0.0
        self._started_at = 0.0
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        """Watch from now on (in the event loop; once per process is enough, twice is harmless)."""
        if self._on_gc not in gc.callbacks:
            gc.callbacks.append(self._on_gc)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._tick())

    async def stop(self) -> None:
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._on_gc)
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started_at = time.perf_counter()
            return
        took = time.perf_counter() - self._started_at
        generation = info.get("generation", 2)
        self.collections[generation] += 1
        self.collected[generation] += info.get("collected", 0)
        self.total_s[generation] += took
        self.max_s[generation] = max(self.max_s[generation], took)
        if generation == 2:
            self.full.append((time.time(), took, info.get("collected", 0)))

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        due = loop.time() + TICK_S
        while True:
            await asyncio.sleep(max(due - loop.time(), 0))
            late = loop.time() - due
            if late > STALL_S:
                self.stall_count += 1
                self.stall_total_s += late
                self.stall_max_s = max(self.stall_max_s, late)
                self.stalls.append((time.time(), late))
            due = loop.time() + TICK_S

    def stats(self) -> dict[str, Any]:
        return {
            "gc": {
                str(g): {
                    "collections": self.collections[g],
                    "collected": self.collected[g],
                    "total_ms": round(self.total_s[g] * 1000, 1),
                    "max_ms": round(self.max_s[g] * 1000, 1),
                }
                for g in range(3)
            },
            "gc_full_recent": [
                {"at": at, "ms": round(s * 1000, 1), "collected": n} for at, s, n in self.full
            ],
            "loop_stalls": {
                "over_ms": STALL_S * 1000,
                "count": self.stall_count,
                "total_ms": round(self.stall_total_s * 1000, 1),
                "max_ms": round(self.stall_max_s * 1000, 1),
                "recent": [{"at": at, "ms": round(s * 1000, 1)} for at, s in self.stalls],
            },
        }
