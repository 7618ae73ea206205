"""Prepared-message fan-out: one update frame encoded once, shared by every client it fits.

A server's WebSocket frames are unmasked (RFC 6455 5.1), so the bytes of one message can be the
same on every connection: we serialise the frame (header + payload) once per (message, frame
prefix) and ``app.live.direct`` hands those bytes to each ready client's transport from the
publishing task, instead of waking one writer task per client and sending through Starlette ->
uvicorn -> websockets (as gorilla/websocket's PreparedMessage does).

Clients with permessage-deflate (every browser) get a compressed frame, also built once: the
payload deflated on its own, with a fresh compressor, so it refers to nothing sent before it and
any client's decompressor can inflate it whatever its history (RFC 7692 7.2.1: each message ends
on a block boundary; a client that keeps its context appends what it inflates to its window).
The connection's own compressor did not see it, so ``DirectSocket`` resets that one before the
writer task next compresses through it (its back-references would no longer match the peer's).
"""

from __future__ import annotations

import zlib

from websockets.frames import Frame, Opcode

from app.live.hub import LiveMessage

_EMPTY_BLOCK = b"\x00\x00\xff\xff"  # the end of a sync flush, left off the wire (RFC 7692 7.2.1)


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


def prepared_deflate_frame(message: LiveMessage, prefix: bytes, window_bits: int) -> bytes:
    """The wire bytes of the update frame compressed on its own (RSV1 set) for permessage-deflate
    clients whose server window is ``window_bits`` (9..15; back-references stay within it), built
    once per message, prefix and window size."""
    cache = message.prepared
    key = bytes((window_bits,)) + prefix  # a prefix starts with '{': no clash with the plain key
    data = cache.get(key)
    if data is None:
        compressor = zlib.compressobj(wbits=-window_bits)
        body = compressor.compress(update_payload(message, prefix))
        body += compressor.flush(zlib.Z_SYNC_FLUSH)
        frame = Frame(Opcode.TEXT, body.removesuffix(_EMPTY_BLOCK))
        wire = bytearray(frame.serialize(mask=False, extensions=[]))
        wire[0] |= 0x40  # RSV1: a compressed message (websockets sets it only in its encoder)
        data = cache[key] = bytes(wire)
    return data
