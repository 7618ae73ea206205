"""What one client is sent, in order: queued frames first, then each subscription's newest bars.

Two ways out. Direct: while the connection is idle the publishing task writes the update
straight onto the socket (``app.live.direct``). The writer task: everything else (snapshots,
errors, replay bars, and updates for a busy, slow or unreachable socket) sent through the ASGI
``send``, which waits for the socket; the sweep closes a client stuck there for
LIVE_SEND_TIMEOUT_S, and a backlog past LIVE_CLIENT_BUFFER_BYTES closes it at once (4008).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.websockets import WebSocket

from app.live.close_codes import CLOSE_INTERNAL, CLOSE_TOO_SLOW
from app.live.delivery import ClientSub
from app.live.direct import DirectSocket
from app.live.protocol import bars_frame
from app.metrics import live_counters

if TYPE_CHECKING:
    from app.live.connection import LiveClient

logger = logging.getLogger(__name__)


class Outbox:
    """The frames owed to one client and the one task writing them."""

    def __init__(self, client: LiveClient) -> None:
        self.client: LiveClient | None = client  # None once the connection is gone (detach)
        self.frames: deque[bytes] = deque()
        self.frame_bytes = 0
        self.wake = asyncio.Event()
        self.sending_since: float | None = None
        self.direct: DirectSocket | None = None  # direct update writes, if possible
        self.writing = False  # the writer task is awake: no direct write may overtake it
        self._writer: asyncio.Task | None = None
        self._tasks: set[asyncio.Task] = set()

    def start(self, websocket: WebSocket) -> None:
        """Begin writing to the accepted ``websocket``."""
        self.direct = DirectSocket.of(websocket)
        self._writer = asyncio.create_task(self._write(websocket.send_text))

    def stop(self) -> None:
        """Write nothing more (the connection is closing), and let go of the tasks and the
        socket: a cancelled task keeps its CancelledError, whose traceback holds the task's
        frame and so this outbox; were the outbox still holding the task, the whole connection
        (ours, Starlette's, uvicorn's and websockets' objects, ~100 a client) would wait in that
        reference cycle for a full GC collection instead of being freed when it closes."""
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.cancel()
        tasks, self._tasks = self._tasks, set()
        for task in tasks:
            task.cancel()
        self.direct = None
        self.frames.clear()
        self.frame_bytes = 0
        self._sending(None)

    def _sending(self, since: float | None) -> None:
        """A send through the writer begins (its time) or ends (None): noted where the service's
        send-timeout sweep looks, so the sweep visits the clients mid-send, not every client
        (10,000 connections: a ~5 ms pass of the loop every second, in the live tail)."""
        self.sending_since = since
        client = self.client
        if client is None:
            return
        if since is None:
            client.service.sending.discard(client)
        else:
            client.service.sending.add(client)

    def detach(self) -> None:
        """The connection is gone: forget its client (the client holds this outbox: the pair
        would be a cycle); from now on everything offered here is dropped."""
        self.stop()
        self.client = None

    def queue_frame(self, data: bytes) -> None:
        """A frame to send in order; a backlog over the buffer cap closes the client (4008)."""
        client = self.client
        if client is None or client.close_code is not None:
            return
        budget = client.settings.live_client_buffer_bytes
        if self.frame_bytes and self.frame_bytes + len(data) > budget:
            live_counters.slow_closed += 1
            client.kill(CLOSE_TOO_SLOW, "client too slow: over its buffer")
            return
        self.frames.append(data)
        self.frame_bytes += len(data)
        self.wake.set()

    def status_changed(self, sub: ClientSub, frame: bytes) -> None:
        """The feed's state for ``sub``: only the newest is kept (never a backlog), sent by the
        writer after any queued frame (so after the subscription's snapshot)."""
        sub.status = frame
        self.wake.set()

    def offered(self, sub: ClientSub) -> None:
        """The hub holds new bars for ``sub`` (called on the publishing side)."""
        subscription, client = sub.subscription, self.client
        if client is None:
            return
        if subscription is not None and subscription.overflowed:
            live_counters.slow_closed += 1
            client.kill(CLOSE_TOO_SLOW, "client too slow: over its buffer")
        elif not self._write_direct(sub):
            self.wake.set()

    def _write_direct(self, sub: ClientSub) -> bool:
        """Write the just-published update straight to the socket, when this connection is
        idle: nothing queued, writer asleep, the one message held as published, nothing of it
        already sent (snapshot), socket open and below its buffer's high-water mark. False
        leaves it to the writer task (the coalescing path)."""
        direct, subscription, client = self.direct, sub.subscription, self.client
        if (
            direct is None
            or client is None
            or subscription is None
            or self.writing
            or self.wake.is_set()
            or self.frames
            or not sub.ready
            or client.close_code is not None
        ):
            return False
        message = subscription.single()
        if message is None or not message.times:
            return False
        last = sub.last_time
        if (last is not None and message.times[0] < last) or not direct.ready():
            return False
        subscription.take()
        sub.last_time = message.times[-1]
        try:
            direct.write_update(message, sub.prefix)
        except Exception:  # this client's failure must not stop the publisher's loop
            logger.warning("live: direct write failed; closing the client", exc_info=True)
            client.kill(CLOSE_INTERNAL, "server error while sending")
        return True

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)

    async def snapshot(self, sub: ClientSub) -> None:
        """Queue ``sub``'s snapshot; its updates may follow from then on."""
        records, last_time = await sub.channel.snapshot(sub.limit)
        client = self.client
        if client is None or client.subs.get(sub.id) is not sub:
            return  # unsubscribed or closed meanwhile
        sub.last_time = last_time
        self.queue_frame(bars_frame("snapshot", sub.id, sub.symbol, sub.timeframe, records))
        sub.ready = True
        self.wake.set()

    async def _write(self, asgi_send: Callable[[str], Awaitable[None]]) -> None:
        loop = asyncio.get_running_loop()
        direct = self.direct

        async def send(text: str) -> None:
            """Every send through uvicorn, noted for the send-timeout sweep while it waits:
            uvicorn writes a frame at once and waits for the socket before the next one, so
            a stuck client holds whichever send comes next (a status frame as much as bars)."""
            if direct is not None:
                direct.before_send()  # no direct write can come in between: self.writing
            self._sending(loop.time())
            try:
                await asgi_send(text)
            finally:
                self._sending(None)

        while True:
            self.writing = False
            await self.wake.wait()
            self.wake.clear()
            self.writing = True
            while self.frames:
                data = self.frames.popleft()
                self.frame_bytes -= len(data)
                await send(data.decode())
            client = self.client
            if client is None:
                return
            for sub in list(client.subs.values()):
                status, sub.status = (sub.status, None) if sub.ready else (None, sub.status)
                if status is not None:  # the feed's newest state, after its snapshot
                    await send(status.decode())
                subscription = sub.subscription
                if not sub.ready or subscription is None or not subscription.has_pending:
                    continue
                reset, message = subscription.take()
                if reset:
                    sub.ready = False
                    task = asyncio.create_task(self.snapshot(sub))
                    self._tasks.add(task)
                    task.add_done_callback(self._task_done)
                    continue
                data = sub.update_frame(message) if message is not None else None
                if data is not None:
                    await send(data.decode())
