"""Prepared-message fan-out: one update frame encoded once, shared by every uncompressed client.

A server's WebSocket frames are unmasked (RFC 6455 5.1), so without permessage-deflate the
bytes of one text message are the same on every connection: we serialise the frame (header +
payload) once per (message, frame prefix) and ``app.live.direct`` hands those bytes to each ready
client's transport from the publishing task, instead of waking one writer task per client and
sending through Starlette -> uvicorn -> websockets (as gorilla/websocket's PreparedMessage does).
Clients with permessage-deflate cannot share them: each compresses with its own context, so
they get the same payload through their own websockets protocol object (``update_payload``).
"""

from __future__ import annotations

from websockets.frames import Frame, Opcode

from app.live.hub import LiveMessage


def update_payload(message: LiveMessage, prefix: bytes) -> bytes:
    """The text of the update frame ``prefix + bars + '}'`` (what every client is sent)."""
    return prefix + message.joined + b"}"


def prepared_frame(message: LiveMessage, prefix: bytes) -> bytes:
    """The wire bytes of the uncompressed update frame, built once per message and prefix
    (clients using the default id share it), cached on the message itself."""
    cache = message.prepared
    data = cache.get(prefix)
    if data is None:
        payload = update_payload(message, prefix)
        data = cache[prefix] = Frame(Opcode.TEXT, payload).serialize(mask=False, extensions=[])
    return data
