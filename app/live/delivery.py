"""What one client is sent: its subscriptions' update frames, and the socket under it.

``ClientSub`` turns the hub's coalesced bars into update frames for one subscription id. The
socket helpers reach the server's transport behind a Starlette WebSocket, to bound the kernel's
send buffer per connection and to abort a peer that accepts not even a close frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from starlette.websockets import WebSocket

from app.live.hub import LiveMessage, Subscription
from app.live.prepared import is_transport, protocol_of
from app.live.protocol import frame_prefix
from app.live.streams import Channel


class ClientSub:
    """One live subscription of this client."""

    def __init__(self, request_id: str, channel: Channel, limit: int) -> None:
        self.id = request_id
        self.channel = channel
        self.limit = limit
        producer = channel.producer
        self.symbol = producer.feed.name
        self.timeframe = producer.timeframe.name
        self.prefix = frame_prefix("update", request_id, self.symbol, self.timeframe)
        self.subscription: Subscription | None = None
        self.ready = False  # its snapshot is queued: updates may follow
        self.last_time: int | None = None

    def update_frame(self, message: LiveMessage) -> bytes | None:
        """The update frame for these bars, leaving out any older than the last one sent (a
        bar already in the snapshot); None when nothing is left."""
        times, bars = message.times, message.bars
        last = self.last_time
        if last is not None and times and times[0] < last:
            keep = [i for i, t in enumerate(times) if t >= last]
            if not keep:
                return None
            times = tuple(times[i] for i in keep)
            bars = tuple(bars[i] for i in keep)
            body = b"[" + b",".join(bars) + b"]"
        elif not times:
            return None
        else:
            body = message.joined
        self.last_time = times[-1]
        return self.prefix + body + b"}"


def bound_send_buffer(websocket: WebSocket, size: int) -> None:
    """Cap the kernel's send buffer of this connection (LIVE_SOCKET_SEND_BUFFER_BYTES): left to
    itself Linux grows it to 4 MB per connection, which would hide a client that reads nothing
    from our backlog check and cost 4 GB of kernel memory at 1,000 such clients."""
    transport = transport_of(websocket)
    sock = transport.get_extra_info("socket") if transport is not None else None
    if size and sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)


def abort(websocket: WebSocket) -> None:
    """Drop the connection without a closing handshake (its peer reads nothing)."""
    transport = transport_of(websocket)
    if transport is not None:
        transport.abort()


def transport_of(websocket: WebSocket) -> asyncio.Transport | None:
    """The server's transport behind a Starlette WebSocket, or None (see ``protocol_of``): to
    bound the socket's send buffer and to abort a peer that accepts not even a close frame."""
    transport = getattr(protocol_of(websocket), "transport", None)
    return transport if is_transport(transport) else None
