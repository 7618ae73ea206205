"""One client connection to ``WS /ws``: its lifetime, subscriptions and replays.

The work is split by direction: ``requests`` reads and answers what the client asks, in order;
``outbox`` sends it frames (queued frames first, then each subscription's newest bars), by the
publishing task's direct writes while the socket is idle or else by one writer task. Nothing
here waits on a slow client except its own writer; a client whose backlog passes
LIVE_CLIENT_BUFFER_BYTES, or whose socket accepts nothing for LIVE_SEND_TIMEOUT_S, is closed with
4008.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from starlette.websockets import WebSocket

from app.live.close_codes import CLOSE_TRY_LATER
from app.live.delivery import ClientSub
from app.live.direct import abort, bound_send_buffer
from app.live.outbox import Outbox
from app.live.requests import read_requests

if TYPE_CHECKING:
    from app.live.extra_requests import ExtraSubscription
    from app.live.replay import ReplaySession
    from app.live.service import LiveService

logger = logging.getLogger(__name__)


class LiveClient:
    """One ``WS /ws`` connection, from accept to close."""

    def __init__(self, service: LiveService, websocket: WebSocket) -> None:
        self.service = service
        self.settings = service.settings
        self.ws = websocket
        self.subs: dict[str, ClientSub] = {}
        self.replays: dict[str, ReplaySession] = {}
        self.extras: dict[str, ExtraSubscription] = {}  # quotes, alerts (extra_requests)
        self.outbox = Outbox(self)
        self.closed = asyncio.Event()
        self.close_code: int | None = None
        self._closer: asyncio.Task | None = None
        self._counted = False

    @property
    def sending_since(self) -> float | None:
        """When the writer began a send still under way (the service's send-timeout sweep)."""
        return self.outbox.sending_since

    def queue_frame(self, data: bytes) -> None:
        """A frame to send in order (snapshots, errors, replay bars); see ``Outbox``."""
        self.outbox.queue_frame(data)

    async def serve(self) -> None:
        service = self.service
        if service.clients >= self.settings.live_max_clients:
            await self.ws.accept()
            reason = f"server at its cap of {self.settings.live_max_clients} clients"
            await self.ws.close(CLOSE_TRY_LATER, reason)
            return
        service.clients += 1
        service.connections.add(self)
        service.ensure_sweeper()
        self._counted = True
        try:
            await self.ws.accept()
            bound_send_buffer(self.ws, self.settings.live_socket_send_buffer_bytes)
            self.outbox.start(self.ws)
            await read_requests(self)
        except Exception:  # a client vanishing mid-request is not our error
            logger.debug("live client ended", exc_info=True)
        finally:
            self._release()
            self.outbox.stop()
            closer, self._closer = self._closer, None  # no cycle through its traceback
            if closer is not None:
                with contextlib.suppress(BaseException):
                    await closer
            self.outbox.detach()

    def drop(self, sub: ClientSub) -> None:
        """Leave ``sub``'s stream (and the channel, when it was its last subscriber here)."""
        if self.subs.get(sub.id) is sub:
            del self.subs[sub.id]
        if sub.status_listener is not None:
            status = sub.channel.producer.feed.status
            status.listeners.discard(sub.status_listener)
            sub.status_listener = None
            if not status.listeners:
                status.stop()
        if sub.subscription is not None:
            self.service.hub.unsubscribe(sub.subscription)
            sub.subscription = None
            self.service.release(sub.channel)

    def _release(self) -> None:
        for sub in list(self.subs.values()):
            self.drop(sub)
        for replay in list(self.replays.values()):
            replay.stop()
        self.replays.clear()
        for extra in list(self.extras.values()):
            extra.stop()
        self.extras.clear()
        if self._counted:
            self._counted = False
            self.service.clients -= 1
            self.service.connections.discard(self)

    def kill(self, code: int, reason: str) -> None:
        """Close with ``code`` now; the reader and writer stop, subscriptions are released."""
        if self.close_code is not None:
            return
        self.close_code = code
        self.closed.set()
        self.outbox.stop()
        self._release()
        self._closer = asyncio.create_task(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        try:
            await asyncio.wait_for(self.ws.close(code, reason), self.settings.live_close_deadline_s)
        except (TimeoutError, RuntimeError, OSError):
            abort(self.ws)
        except Exception:
            logger.debug("live close failed", exc_info=True)
