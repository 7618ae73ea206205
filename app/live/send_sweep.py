"""The send timeout: a client whose socket has accepted nothing for LIVE_SEND_TIMEOUT_S is closed
(4008). A reader stuck on a forming bar never fills its backlog (each change of the bar replaces
the last), so the buffer cap alone would keep it forever.

Once a second, while any client is connected, the sweep visits the clients whose writer is
mid-send (``Outbox`` notes each send's start and end in the service's ``sending`` set), not
every connection. Each close is counted (``/api/stats``' ``send_timeouts``, the
``superchart_live_slow_clients_closed_total`` metric) and warned about in one line at most once a
minute.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from app.live.close_codes import CLOSE_TOO_SLOW
from app.metrics import live_counters

logger = logging.getLogger(__name__)
WARN_EVERY_S = 60.0


class SendSweep:
    def __init__(self, limit_s: float, connections: set[Any], sending: set[Any]) -> None:
        self.limit_s = limit_s
        self.connections = connections  # LiveClient: while any, the sweep runs
        self.sending = sending  # LiveClient whose writer is mid-send
        self.closed = 0  # clients closed for reading nothing for limit_s
        self._warned = 0  # ``closed`` at the last warning
        self._warned_at: float | None = None
        self._task: asyncio.Task | None = None

    def ensure_running(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self.connections:
            await asyncio.sleep(1.0)
            self.sweep(loop.time())

    def sweep(self, now: float) -> None:
        """Close every client mid-send for longer than the limit at loop time ``now``."""
        for client in list(self.sending):
            since = client.sending_since
            if since is not None and now - since > self.limit_s:
                self.closed += 1
                live_counters.slow_closed += 1
                client.kill(CLOSE_TOO_SLOW, "client too slow: nothing read for too long")
        if self.closed > self._warned and (
            self._warned_at is None or now - self._warned_at >= WARN_EVERY_S
        ):
            logger.warning(
                "live: closed %d client(s) that read nothing for LIVE_SEND_TIMEOUT_S=%g s "
                "(4008; %d since start)",
                self.closed - self._warned,
                self.limit_s,
                self.closed,
            )
            self._warned, self._warned_at = self.closed, now
