"""Prepared-message fan-out: one update frame encoded once, written straight to idle sockets.

A server's WebSocket frames are unmasked (RFC 6455 5.1), so without permessage-deflate the
bytes of one text message are the same on every connection: we serialise the frame (header +
payload) once per (message, frame prefix) and hand those bytes to each ready client's asyncio
transport from the publishing task, instead of waking one writer task per client and sending
through Starlette -> uvicorn -> websockets (as gorilla/websocket's PreparedMessage does).

Why a raw ``transport.write`` is safe here:
- it writes a whole frame in one call, and uvicorn's own writes (``send``, pings, close) are
  whole frames written synchronously too: frames never interleave;
- asyncio transports keep write order, and the connection writes directly only while its writer
  task has nothing queued and is not mid-send (``LiveClient.writing``): frame order per
  connection is the order the old path would have produced;
- it is used only while the protocol is open (handshake done, no close sent or received), no
  extension was negotiated (no deflate state to keep in step), and the transport's buffer is
  below its high-water mark; otherwise the client takes the coalescing writer path, which waits
  for the socket (send timeout, 4008) exactly as before, so memory stays bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from starlette.websockets import WebSocket
from websockets.frames import Frame, Opcode
from websockets.protocol import State

from app.live.hub import LiveMessage


def prepared_frame(message: LiveMessage, prefix: bytes) -> bytes:
    """The wire bytes of the update frame ``prefix + bars + '}'``, built once per message and
    prefix (clients using the default id share it), cached on the message itself."""
    cache = message.prepared
    data = cache.get(prefix)
    if data is None:
        payload = prefix + message.joined + b"}"
        data = cache[prefix] = Frame(Opcode.TEXT, payload).serialize(mask=False, extensions=[])
    return data


class RawSocket:
    """Direct frame writes to one uvicorn WebSocket connection (its websockets-sansio protocol)."""

    __slots__ = ("protocol", "transport")

    def __init__(self, protocol: Any, transport: asyncio.Transport) -> None:
        self.protocol = protocol
        self.transport = transport

    @classmethod
    def of(cls, websocket: WebSocket) -> RawSocket | None:
        """For a connection accepted without extensions on uvicorn's sansio protocol; else None
        (other servers, wsproto, permessage-deflate: those keep the ASGI path)."""
        protocol = protocol_of(websocket)
        conn = getattr(protocol, "conn", None)
        transport = getattr(protocol, "transport", None)
        if (
            conn is None
            or not is_transport(transport)
            or getattr(conn, "extensions", None) != []
            or not hasattr(protocol, "close_sent")
        ):
            return None
        return cls(protocol, transport)

    def ready(self) -> bool:
        """Open, and the socket's buffer below the transport's high-water mark."""
        protocol, transport = self.protocol, self.transport
        return (
            protocol.conn.state is State.OPEN
            and not protocol.close_sent
            and not protocol.disconnected
            and not transport.is_closing()
            and transport.get_write_buffer_size() < transport.get_write_buffer_limits()[1]
        )

    def write(self, data: bytes) -> None:
        self.transport.write(data)


def protocol_of(websocket: WebSocket) -> Any:
    """The server's protocol object behind a Starlette WebSocket, or None.

    ASGI gives no access to it, but uvicorn's ``send`` is a method of its protocol object;
    Starlette wraps that ``send`` in closures. We follow them (a few levels)."""
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
