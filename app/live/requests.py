"""What one client asks over ``WS /ws``, read and answered in order.

``read_requests`` reads text frames until the client leaves or is closed; each one subscribes,
unsubscribes, or starts or steers a replay. A bad request is answered with an error frame in
the HTTP API's words and the connection stays open; a malformed frame closes it (1008).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from app.core.error_body import error_body
from app.core.errors import ParameterError, SuperChartError
from app.live.close_codes import CLOSE_POLICY
from app.live.delivery import ClientSub
from app.live.extra_requests import HANDLERS
from app.live.feed_status import StatusState, status_frame
from app.live.protocol import (
    ProtocolError,
    StreamRequest,
    default_id,
    error_frame,
    message_id,
    parse_frame,
    parse_stream_request,
)
from app.live.replay_streams import ReplayLimitError

if TYPE_CHECKING:
    from app.live.connection import LiveClient


async def read_requests(client: LiveClient) -> None:
    """Handle the client's frames, one at a time, until it disconnects or is closed."""
    closed = asyncio.ensure_future(client.closed.wait())
    try:
        while client.close_code is None:
            receive = asyncio.ensure_future(client.ws.receive())
            await asyncio.wait({receive, closed}, return_when=asyncio.FIRST_COMPLETED)
            if not receive.done():
                receive.cancel()
                return
            message = receive.result()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                client.kill(CLOSE_POLICY, "binary frames are not part of the protocol")
                return
            try:
                frame = parse_frame(text, client.settings.live_max_message_bytes)
            except ProtocolError as exc:
                client.kill(CLOSE_POLICY, str(exc))
                return
            await handle_request(client, frame)
    finally:
        closed.cancel()


async def handle_request(client: LiveClient, frame: dict[str, Any]) -> None:
    """One parsed frame; our errors become an error frame for its id."""
    kind = frame["type"]
    request_id: str | None = None
    settings = client.settings
    try:
        request_id = message_id(frame)
        if kind == "unsubscribe":
            unsubscribe(client, request_id)
        elif kind == "replay_control":
            control_replay(client, request_id, frame)
        elif kind in HANDLERS:  # quotes, alerts (app.live.extra_requests)
            await HANDLERS[kind](client, frame, request_id)
        else:
            request = parse_stream_request(
                frame,
                default_symbol=settings.default_symbol,
                default_emas=tuple(settings.ema_periods),
                max_limit=settings.live_max_limit,
                max_speed=settings.live_max_replay_speed,
            )
            if kind == "subscribe":
                await subscribe(client, request)
            else:
                await start_replay(client, request)
    except SuperChartError as exc:
        if request_id is None and kind in ("subscribe", "replay"):
            request_id = default_id(frame)
        body = error_body(exc)  # the HTTP API's words and fields
        detail = body.pop("detail")
        if isinstance(exc, ReplayLimitError):
            body["setting"] = exc.setting
        client.queue_frame(error_frame(request_id, detail, **body))


def check_room(client: LiveClient, request_id: str | None) -> None:
    """Refuse a new id past LIVE_MAX_SUBSCRIPTIONS (reusing an id replaces, so it always fits)."""
    cap = client.settings.live_max_subscriptions
    if request_id in client.subs or request_id in client.replays or request_id in client.extras:
        return
    if len(client.subs) + len(client.replays) + len(client.extras) >= cap:
        raise ParameterError(
            "id",
            f"at most {cap} subscriptions and replays per connection "
            "(LIVE_MAX_SUBSCRIPTIONS); unsubscribe one first.",
        )


async def subscribe(client: LiveClient, request: StreamRequest) -> None:
    """Join the stream's channel, then send its snapshot; updates follow it."""
    check_room(client, request.id)
    service = client.service
    channel = await service.acquire(
        request.symbol,
        request.timeframe,
        request.periods,
        request.specs,
        request.chart,
        source_feed=request.feed,
    )
    if client.close_code is not None:
        service.release(channel)
        return
    request_id = request.id or f"{request.symbol}:{channel.producer.timeframe.name}"
    check_room(client, request_id)
    old = client.subs.pop(request_id, None)
    if old is not None:
        client.drop(old)
    sub = ClientSub(request_id, channel, request.limit)
    outbox = client.outbox
    sub.subscription = service.hub.subscribe(
        channel.key,
        label=sub.symbol,
        notify=lambda: outbox.offered(sub),
        max_bytes=client.settings.live_client_buffer_bytes,
        fields=channel.fields,
    )
    client.subs[request_id] = sub
    try:
        await outbox.snapshot(sub)
    except BaseException:
        client.drop(sub)
        raise
    if client.subs.get(request_id) is sub:
        follow_status(client, sub)


def follow_status(client: LiveClient, sub: ClientSub) -> None:
    """A ``status`` frame now (after the snapshot) and on each change of the feed's state."""
    feed = sub.channel.producer.feed

    def send_status(state: StatusState) -> None:
        client.outbox.status_changed(sub, status_frame(sub.id, sub.symbol, sub.timeframe, state))

    sub.status_listener = send_status
    feed.status.listeners.add(send_status)
    send_status(feed.refresh_status())


def unsubscribe(client: LiveClient, request_id: str | None) -> None:
    """Leave a subscription or stop a replay by id."""
    sub = client.subs.pop(request_id or "", None)
    if sub is not None:
        client.drop(sub)
        return
    replay = client.replays.pop(request_id or "", None)
    if replay is not None:
        replay.stop()
        return
    extra = client.extras.pop(request_id or "", None)
    if extra is not None:
        extra.stop()
        return
    raise ParameterError("id", f"no subscription with id {request_id!r}.")


def check_replay_room(client: LiveClient, request_id: str | None) -> None:
    """Refuse a replay past LIVE_REPLAY_MAX_PER_CONNECTION replays playing on this connection
    (one replacing a replay of the same id fits)."""
    cap = client.settings.live_replay_max_per_connection
    playing = [key for key, replay in client.replays.items() if replay.active]
    if request_id in playing:
        return
    if len(playing) >= cap:
        raise ReplayLimitError(
            "LIVE_REPLAY_MAX_PER_CONNECTION",
            f"at most {cap} replays at once per connection (LIVE_REPLAY_MAX_PER_CONNECTION); "
            "unsubscribe one first.",
        )


async def start_replay(client: LiveClient, request: StreamRequest) -> None:
    """Open a Bar Replay (replacing one with the same id) and start playing it."""
    from app.live.replay import ReplaySession

    check_room(client, request.id)
    check_replay_room(client, request.id)
    replay = await ReplaySession.open(client, request)
    if client.close_code is not None:
        replay.stop()
        return
    try:
        check_room(client, replay.id)
        check_replay_room(client, replay.id)
    except BaseException:
        replay.stop()
        raise
    old = client.replays.pop(replay.id, None)
    if old is not None:
        old.stop()
    client.replays[replay.id] = replay
    replay.start()


def control_replay(client: LiveClient, request_id: str | None, frame: dict[str, Any]) -> None:
    """Pause, play, step or re-time a replay."""
    replay = client.replays.get(request_id or "")
    if replay is None:
        raise ParameterError("id", f"no replay with id {request_id!r}.")
    replay.control(frame.get("action"), frame.get("value"))
