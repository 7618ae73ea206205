"""One client connection to ``WS /ws``: its subscriptions, replays, and the one task writing to it.

Reading and writing are separate: the reader handles the client's requests in order; the writer
sends queued frames (snapshots, errors, replay bars) first, then each subscription's pending
bars, newest state only. Nothing here waits on a slow client except its own writer; a client
whose backlog passes LIVE_CLIENT_BUFFER_BYTES, or whose socket accepts nothing for
LIVE_SEND_TIMEOUT_S, is closed with 4008.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from typing import TYPE_CHECKING, Any

from starlette.websockets import WebSocket

from app.core.errors import SuperChartError
from app.live.delivery import ClientSub, abort, bound_send_buffer
from app.live.prepared import RawSocket, prepared_frame
from app.live.protocol import (
    ProtocolError,
    StreamRequest,
    bars_frame,
    default_id,
    error_frame,
    message_id,
    parse_frame,
    parse_stream_request,
)
from app.web.errors import error_body

if TYPE_CHECKING:
    from app.live.replay import ReplaySession
    from app.live.service import LiveService

logger = logging.getLogger(__name__)

CLOSE_POLICY = 1008  # malformed protocol or refused client
CLOSE_TRY_LATER = 1013  # at the connection cap
CLOSE_TOO_SLOW = 4008  # could not keep up
CLOSE_DEADLINE_S = 5.0  # a close frame that cannot be written by then: the socket is aborted


class LiveClient:
    def __init__(self, service: LiveService, websocket: WebSocket) -> None:
        self.service = service
        self.settings = service.settings
        self.ws = websocket
        self.subs: dict[str, ClientSub] = {}
        self.replays: dict[str, ReplaySession] = {}
        self.frames: deque[bytes] = deque()
        self.frame_bytes = 0
        self.wake = asyncio.Event()
        self.closed = asyncio.Event()
        self.sending_since: float | None = None
        self.raw: RawSocket | None = None  # direct frame writes (app.live.prepared), if possible
        self.writing = False  # the writer task is awake: no direct write may overtake it
        self.close_code: int | None = None
        self._writer: asyncio.Task | None = None
        self._closer: asyncio.Task | None = None
        self._counted = False
        self._tasks: set[asyncio.Task] = set()

    # -- lifetime ---------------------------------------------------------------------------

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
            self.raw = RawSocket.of(self.ws)
            self._writer = asyncio.create_task(self._write())
            await self._read()
        except Exception:  # a client vanishing mid-request is not our error
            logger.debug("live client ended", exc_info=True)
        finally:
            self._release()
            if self._writer is not None:
                self._writer.cancel()
            if self._closer is not None:
                with contextlib.suppress(BaseException):
                    await self._closer

    def _release(self) -> None:
        for sub in list(self.subs.values()):
            self._drop(sub)
        for replay in list(self.replays.values()):
            replay.stop()
        self.replays.clear()
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
        if self._writer is not None:
            self._writer.cancel()
        self._release()
        self.frames.clear()
        self._closer = asyncio.create_task(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        try:
            await asyncio.wait_for(self.ws.close(code, reason), CLOSE_DEADLINE_S)
        except (TimeoutError, RuntimeError, OSError):
            abort(self.ws)
        except Exception:
            logger.debug("live close failed", exc_info=True)

    # -- reading ----------------------------------------------------------------------------

    async def _read(self) -> None:
        closed = asyncio.ensure_future(self.closed.wait())
        try:
            while self.close_code is None:
                receive = asyncio.ensure_future(self.ws.receive())
                await asyncio.wait({receive, closed}, return_when=asyncio.FIRST_COMPLETED)
                if not receive.done():
                    receive.cancel()
                    return
                message = receive.result()
                if message["type"] == "websocket.disconnect":
                    return
                text = message.get("text")
                if text is None:
                    self.kill(CLOSE_POLICY, "binary frames are not part of the protocol")
                    return
                try:
                    frame = parse_frame(text, self.settings.live_max_message_bytes)
                except ProtocolError as exc:
                    self.kill(CLOSE_POLICY, str(exc))
                    return
                await self._handle(frame)
        finally:
            closed.cancel()

    async def _handle(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        request_id: str | None = None
        try:
            request_id = message_id(frame)
            if kind == "unsubscribe":
                self._unsubscribe(request_id)
            elif kind == "replay_control":
                self._replay_control(request_id, frame)
            else:
                request = parse_stream_request(
                    frame,
                    default_symbol=self.settings.default_symbol,
                    default_emas=tuple(self.settings.ema_periods),
                    max_limit=self.settings.live_max_limit,
                    max_speed=self.settings.live_max_replay_speed,
                )
                if kind == "subscribe":
                    await self._subscribe(request)
                else:
                    await self._replay(request)
        except SuperChartError as exc:
            if request_id is None and kind in ("subscribe", "replay"):
                request_id = default_id(frame)
            body = error_body(exc)  # the HTTP API's words and fields
            detail = body.pop("detail")
            self.queue_frame(error_frame(request_id, detail, **body))

    def _check_room(self, request_id: str | None) -> None:
        cap = self.settings.live_max_subscriptions
        if request_id in self.subs or request_id in self.replays:
            return
        if len(self.subs) + len(self.replays) >= cap:
            from app.core import ParameterError

            raise ParameterError(
                "id",
                f"at most {cap} subscriptions and replays per connection "
                "(LIVE_MAX_SUBSCRIPTIONS); unsubscribe one first.",
            )

    async def _subscribe(self, request: StreamRequest) -> None:
        self._check_room(request.id)
        channel = await self.service.acquire(
            request.symbol, request.timeframe, request.periods, request.specs, request.chart
        )
        if self.close_code is not None:
            self.service.release(channel)
            return
        request_id = request.id or f"{request.symbol}:{channel.producer.timeframe.name}"
        self._check_room(request_id)
        old = self.subs.pop(request_id, None)
        if old is not None:
            self._drop(old)
        sub = ClientSub(request_id, channel, request.limit)
        sub.subscription = self.service.hub.subscribe(
            channel.key,
            label=sub.symbol,
            notify=lambda: self._offered(sub),
            max_bytes=self.settings.live_client_buffer_bytes,
        )
        self.subs[request_id] = sub
        try:
            await self._snapshot(sub)
        except BaseException:
            self._drop(sub)
            raise

    async def _snapshot(self, sub: ClientSub) -> None:
        records, last_time = await sub.channel.snapshot(sub.limit)
        if self.subs.get(sub.id) is not sub:
            return  # unsubscribed or closed meanwhile
        sub.last_time = last_time
        self.queue_frame(bars_frame("snapshot", sub.id, sub.symbol, sub.timeframe, records))
        sub.ready = True
        self.wake.set()

    def _unsubscribe(self, request_id: str | None) -> None:
        sub = self.subs.pop(request_id or "", None)
        if sub is not None:
            self._drop(sub)
            return
        replay = self.replays.pop(request_id or "", None)
        if replay is not None:
            replay.stop()
            return
        from app.core import ParameterError

        raise ParameterError("id", f"no subscription with id {request_id!r}.")

    def _drop(self, sub: ClientSub) -> None:
        if self.subs.get(sub.id) is sub:
            del self.subs[sub.id]
        if sub.subscription is not None:
            self.service.hub.unsubscribe(sub.subscription)
            sub.subscription = None
            self.service.release(sub.channel)

    async def _replay(self, request: StreamRequest) -> None:
        from app.live.replay import ReplaySession

        self._check_room(request.id)
        replay = await ReplaySession.open(self, request)
        if self.close_code is not None:
            return
        self._check_room(replay.id)
        old = self.replays.pop(replay.id, None)
        if old is not None:
            old.stop()
        self.replays[replay.id] = replay
        replay.start()

    def _replay_control(self, request_id: str | None, frame: dict[str, Any]) -> None:
        replay = self.replays.get(request_id or "")
        if replay is None:
            from app.core import ParameterError

            raise ParameterError("id", f"no replay with id {request_id!r}.")
        replay.control(frame.get("action"), frame.get("value"))

    # -- writing ----------------------------------------------------------------------------

    def queue_frame(self, data: bytes) -> None:
        """A frame to send in order; a backlog over the buffer cap closes the client (4008)."""
        if self.close_code is not None:
            return
        budget = self.settings.live_client_buffer_bytes
        if self.frame_bytes and self.frame_bytes + len(data) > budget:
            self.kill(CLOSE_TOO_SLOW, "client too slow: over its buffer")
            return
        self.frames.append(data)
        self.frame_bytes += len(data)
        self.wake.set()

    def _offered(self, sub: ClientSub) -> None:
        subscription = sub.subscription
        if subscription is not None and subscription.overflowed:
            self.kill(CLOSE_TOO_SLOW, "client too slow: over its buffer")
        elif not self._write_direct(sub):
            self.wake.set()

    def _write_direct(self, sub: ClientSub) -> bool:
        """Write the just-published update straight to the socket, when this connection is
        idle: nothing queued, writer asleep, the one message held as published, nothing of it
        already sent (snapshot), socket open and below its buffer's high-water mark. False
        leaves it to the writer task (the coalescing path)."""
        raw, subscription = self.raw, sub.subscription
        if (
            raw is None
            or subscription is None
            or self.writing
            or self.wake.is_set()
            or self.frames
            or not sub.ready
            or self.close_code is not None
        ):
            return False
        message = subscription.single()
        if message is None or not message.times:
            return False
        last = sub.last_time
        if (last is not None and message.times[0] < last) or not raw.ready():
            return False
        subscription.take()
        sub.last_time = message.times[-1]
        raw.write(prepared_frame(message, sub.prefix))
        return True

    async def _write(self) -> None:
        loop = asyncio.get_running_loop()
        send = self.ws.send_text
        while True:
            self.writing = False
            await self.wake.wait()
            self.wake.clear()
            self.writing = True
            while self.frames:
                data = self.frames.popleft()
                self.frame_bytes -= len(data)
                self.sending_since = loop.time()
                await send(data.decode())
                self.sending_since = None
            for sub in list(self.subs.values()):
                subscription = sub.subscription
                if not sub.ready or subscription is None or not subscription.has_pending:
                    continue
                reset, message = subscription.take()
                if reset:
                    sub.ready = False
                    task = asyncio.create_task(self._snapshot(sub))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                    continue
                data = sub.update_frame(message) if message is not None else None
                if data is not None:
                    self.sending_since = loop.time()
                    await send(data.decode())
                    self.sending_since = None
