"""The server's socket under a Starlette WebSocket: direct update writes, send buffer, abort.

ASGI gives no access to the connection, but uvicorn's ``send`` is a method of its protocol
object (``protocol_of``). Through it we bound the kernel's send buffer, abort a peer that accepts
not even a close frame, and write live updates from the publishing task (``DirectSocket``)
instead of waking one writer task per client and going through Starlette -> uvicorn ->
websockets for each.

Why a direct write is safe (uvicorn's websockets-sansio protocol, its default ``--ws auto``):
- uvicorn's own sends (``send``, pings, pongs, close) each call its websockets ``ServerProtocol``
  (``conn``) and write ``conn.data_to_send()`` in one synchronous step; a direct write is one
  ``transport.write`` too: whole frames, never interleaved;
- asyncio transports keep write order, and a connection writes directly only while its writer
  task has nothing queued and is not mid-send (``Outbox.writing``, which covers uvicorn's wait
  for a paused transport): frame order is the order the writer path would have produced;
- uncompressed clients get the prepared frame, bytes that depend on no connection state;
  permessage-deflate clients get the prepared compressed frame (``app.live.prepared``), which
  refers to nothing before it; the connection's compressor, which did not see it, is replaced
  by a fresh one before the writer task compresses through it again (``before_send``); any other
  extension set goes through ``conn.send_text``, the way uvicorn sends (``websockets.broadcast``
  does the same);
- only while open (handshake done, no close sent or received) and below the transport's
  high-water mark; otherwise the client takes the writer path, which waits for the socket (send
  timeout, 4008) exactly as before, so memory stays bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import zlib
from typing import Any

from starlette.websockets import WebSocket
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.protocol import Protocol, State

from app.live.hub import LiveMessage
from app.live.prepared import prepared_deflate_frame, prepared_frame, update_payload


class DirectSocket:
    """Direct update writes to one uvicorn WebSocket connection (its websockets-sansio protocol)."""

    __slots__ = ("conn", "deflate", "high_water", "protocol", "shared", "stale", "transport")

    def __init__(self, protocol: Any, transport: asyncio.Transport) -> None:
        self.protocol = protocol
        self.transport = transport
        self.conn: Protocol = protocol.conn
        self.shared = not self.conn.extensions  # no extension: the plain prepared frame fits
        self.deflate = shareable_deflate(self.conn)  # permessage-deflate alone: its shared frame
        self.stale = False  # shared compressed frames sent since the connection's compressor ran
        # The transport's high-water mark, read once (nothing here or in uvicorn changes it):
        # ``ready`` runs for every subscriber of every update.
        self.high_water = transport.get_write_buffer_limits()[1]

    @classmethod
    def of(cls, websocket: WebSocket) -> DirectSocket | None:
        """For a connection on uvicorn's websockets-sansio protocol; else None (other servers,
        wsproto, websockets legacy: those keep the ASGI path)."""
        protocol = protocol_of(websocket)
        transport = getattr(protocol, "transport", None)
        if (
            not isinstance(getattr(protocol, "conn", None), Protocol)
            or not is_transport(transport)
            or not hasattr(protocol, "close_sent")
            or not hasattr(protocol, "disconnected")
        ):
            return None
        return cls(protocol, transport)

    def ready(self) -> bool:
        """Open, and the socket's buffer below the transport's high-water mark."""
        protocol, transport = self.protocol, self.transport
        return (
            self.conn.state is State.OPEN
            and not protocol.close_sent
            and not protocol.disconnected
            and not transport.is_closing()
            and transport.get_write_buffer_size() < self.high_water
        )

    def write_update(self, message: LiveMessage, prefix: bytes) -> None:
        """Write the update frame of ``message`` now (call only when ``ready``)."""
        if self.shared:
            self.transport.write(prepared_frame(message, prefix))
        elif self.deflate is not None:
            bits = self.deflate.local_max_window_bits
            self.transport.write(prepared_deflate_frame(message, prefix, bits))
            self.stale = True
        else:
            conn = self.conn
            conn.send_text(update_payload(message, prefix))
            self.transport.write(b"".join(conn.data_to_send()))

    def before_send(self) -> None:
        """Before the writer task sends through uvicorn: after shared compressed frames, give the
        connection a fresh compressor (the old one would refer back to data laid out otherwise
        in the peer's window: it did not see the frames sent around it)."""
        if self.stale and self.deflate is not None:
            self.stale = False
            reset_compressor(self.deflate)


def reset_compressor(deflate: PerMessageDeflate) -> None:
    """A fresh compressor for this connection: what it compresses next refers to nothing
    before it (the peer keeps its window; RFC 7692 allows a message without back-references)."""
    if not deflate.local_no_context_takeover:  # else websockets makes one per message anyway
        bits = deflate.local_max_window_bits
        deflate.encoder = zlib.compressobj(wbits=-bits, **deflate.compress_settings)


def shareable_deflate(conn: Protocol) -> PerMessageDeflate | None:
    """The connection's permessage-deflate when it is its only extension and shaped as the
    websockets versions we know (an encoder we may replace); else None (per-connection path)."""
    extensions = conn.extensions
    if len(extensions) != 1 or type(extensions[0]) is not PerMessageDeflate:
        return None
    deflate = extensions[0]
    bits = getattr(deflate, "local_max_window_bits", None)
    settings = getattr(deflate, "compress_settings", None)
    no_takeover = getattr(deflate, "local_no_context_takeover", None)
    if not isinstance(bits, int) or not 9 <= bits <= 15 or not isinstance(settings, dict):
        return None
    if no_takeover is not True and not hasattr(deflate, "encoder"):
        return None
    return deflate


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
    """The server's transport behind a Starlette WebSocket, or None (see ``protocol_of``)."""
    transport = getattr(protocol_of(websocket), "transport", None)
    return transport if is_transport(transport) else None


def protocol_of(websocket: WebSocket) -> Any:
    """The server's protocol object behind a Starlette WebSocket, or None.

    uvicorn's ``send`` is a method of its protocol object; Starlette wraps that ``send`` in
    closures. We follow them (a few levels)."""
    todo: list[object] = [websocket._send]
    for _ in range(8):
        if not todo:
            break
        current = todo.pop()
        owner = getattr(current, "__self__", None)
        if is_transport(getattr(owner, "transport", None)):
            return owner
        for cell in getattr(current, "__closure__", None) or ():
            with contextlib.suppress(ValueError):
                if callable(cell.cell_contents):
                    todo.append(cell.cell_contents)
    return None


def is_transport(obj: object) -> bool:
    """An asyncio write transport, by its methods: uvloop's ``TCPTransport`` (uvicorn's default
    loop when uvloop is installed) does not subclass ``asyncio.Transport``."""
    return all(
        callable(getattr(obj, name, None))
        for name in ("write", "abort", "get_write_buffer_size", "get_extra_info")
    )
