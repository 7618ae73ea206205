"""The live fan-out's figures into Prometheus, every few seconds, off its hot path.

The fan-out counts in plain integers (``app.metrics.live_counters``); this task adds what they
gained since its last run to the Prometheus counters, and sets the gauges of clients and
subscriptions from the live service's own counts.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from app.metrics import (
    LIVE_MESSAGES,
    LIVE_SLOW_CLOSED,
    LIVE_SUBSCRIPTIONS,
    WS_CONNECTIONS,
    live_counters,
)

SYNC_S = 2.0


class LiveMetricsSync:
    def __init__(self, stats: Callable[[], dict[str, object]]) -> None:
        self.stats = stats
        self._seen = {"sent": 0, "coalesced": 0, "dropped": 0, "slow_closed": 0}
        self._task: asyncio.Task | None = None

    def sync(self) -> None:
        for name, seen in self._seen.items():
            now = getattr(live_counters, name)
            if now > seen:
                target = LIVE_SLOW_CLOSED if name == "slow_closed" else LIVE_MESSAGES.labels(name)
                target.inc(now - seen)
                self._seen[name] = now
        figures = self.stats()
        WS_CONNECTIONS.set(float(figures.get("total_clients", 0) or 0))  # type: ignore[arg-type]
        LIVE_SUBSCRIPTIONS.set(float(figures.get("total_subscriptions", 0) or 0))  # type: ignore[arg-type]

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(SYNC_S)
            self.sync()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.sync()
