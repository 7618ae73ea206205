"""Heartbeats find dead peers: a client that answers no ping is closed and stops counting.

uvicorn's WebSocket protocol pings every ``--ws-ping-interval`` seconds (20 by default) and
closes a connection whose pong does not come within ``--ws-ping-timeout`` (20). A peer that
vanished without a FIN (a laptop closed, a cut link) would otherwise hold a client slot, and its
subscriptions, until the next bars filled its socket buffer; on a quiet symbol, forever.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import time
from pathlib import Path

import httpx
from websockets.frames import Frame, Opcode

from tests.live.conftest import SYMBOL, run_server


def stats(base: str) -> dict:
    return httpx.get(base + "/api/stats", timeout=10).json()


def silent_client(base: str) -> socket.socket:
    """A raw TCP client that completes the handshake, subscribes, then never reads again (so
    it answers no ping), as a peer that vanished."""
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 101"), answer
    subscribe = json.dumps({"type": "subscribe", "symbol": SYMBOL, "limit": 5}).encode()
    sock.sendall(Frame(Opcode.TEXT, subscribe).serialize(mask=True, extensions=[]))
    return sock


def read_until_closed(sock: socket.socket, deadline_s: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes the TCP connection (or the deadline)."""
    began = time.monotonic()
    received = b""
    sock.settimeout(0.2)
    while time.monotonic() - began < deadline_s:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        if not chunk:
            return received, time.monotonic() - began
        received += chunk
    return received, float("inf")


def test_a_peer_that_answers_no_ping_is_closed_and_released(data_dir: Path) -> None:
    settings = {"UVICORN_WS_PING_INTERVAL": "0.5", "UVICORN_WS_PING_TIMEOUT": "1"}
    with run_server(data_dir, **settings) as base:
        sock = silent_client(base)
        try:
            time.sleep(0.3)  # the subscription is taken
            assert stats(base)["total_clients"] == 1
            received, took = read_until_closed(sock, deadline_s=10)
        finally:
            sock.close()
        # A ping came (opcode 0x9, unmasked server frame), then the closing handshake with
        # 1011 (uvicorn's "keepalive ping timeout"), then the server dropped the connection.
        assert b"\x89" in received
        assert took < 5, "the dead peer was not closed"
        for _ in range(50):
            if stats(base)["total_clients"] == 0:
                break
            time.sleep(0.1)
        released = stats(base)
        released.pop("pauses")  # GC and loop figures since start-up
        assert released == {
            "total_clients": 0,
            "total_subscriptions": 0,
            "symbol_subscribers": {},
            "replays": {"open": 0, "streams": 0, "held_mb": 0.0, "builds": 0},
            "send_timeouts": 0,  # closed by the ping's timeout, not the send sweep
        }
