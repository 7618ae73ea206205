"""LIVE_SEND_TIMEOUT_S: a client that completes the handshake, asks for bars and then never
reads is closed (4008, "nothing read for too long") by the send-timeout sweep, while the feed
moves and another client keeps getting every change. The forming bar is only rewritten, so what
the stuck client is owed stays one bar: its backlog never passes LIVE_CLIENT_BUFFER_BYTES, and
only the timeout can free it (the buffer cap's own close is tests/live/test_backpressure.py's)."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets
from websockets.client import ClientProtocol
from websockets.frames import Close, Frame, Opcode
from websockets.protocol import State
from websockets.uri import parse_uri

from tests.async_run import run_async
from tests.live.conftest import append, rewrite_last, row, run_server, write_minutes, ws_url

SNAPSHOT_BARS = 3000  # ~400 KB of JSON: far more than the stuck client's socket takes
TIMEOUT_S = 2


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("live_send_timeout")
    path = folder / "FAST.csv"
    write_minutes(path, SNAPSHOT_BARS)
    settings = {
        "LIVE_SEND_TIMEOUT_S": str(TIMEOUT_S),
        "LIVE_SOCKET_SEND_BUFFER_BYTES": "16384",  # the server's side fills after little data
        # the stuck client reads its close frame only after the test saw it dropped
        "LIVE_CLOSE_DEADLINE_S": "60",
    }
    with run_server(folder, **settings) as base:
        yield base, path


class NeverReadingClient:
    """A bare socket with a tiny receive buffer that does the WebSocket handshake (websockets'
    sans-I/O protocol, reading only the handshake's answer), sends frames and reads nothing more
    until asked (``close_frame``)."""

    def __init__(self, base: str) -> None:
        self.proto = ClientProtocol(parse_uri(ws_url(base)), max_size=None)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect
        self.sock.settimeout(10)
        self.sock.connect(("127.0.0.1", int(base.rsplit(":", 1)[1])))
        self.proto.send_request(self.proto.connect())
        self._flush()
        while self.proto.state is not State.OPEN:
            assert self.proto.handshake_exc is None, self.proto.handshake_exc
            self.proto.receive_data(self.sock.recv(1))  # byte by byte: no frame read past it

    def send(self, frame: dict) -> None:
        self.proto.send_text(json.dumps(frame).encode())
        self._flush()

    def close_frame(self, timeout: float) -> Close:
        """Read what was sent at last, up to the server's close frame."""
        self.sock.settimeout(timeout)
        while True:
            data = self.sock.recv(65536)
            assert data, "the connection ended without a close frame"
            self.proto.receive_data(data)
            for event in self.proto.events_received():
                if isinstance(event, Frame) and event.opcode is Opcode.CLOSE:
                    return Close.parse(event.data)

    def _flush(self) -> None:
        for data in self.proto.data_to_send():
            if data:
                self.sock.sendall(data)


def test_a_client_that_never_reads_is_closed_by_the_send_timeout(
    server: tuple[str, Path],
) -> None:
    base, path = server
    last = SNAPSHOT_BARS - 1  # the forming bar's minute

    async def scenario() -> tuple[dict, Close, int, list[float]]:
        stuck = NeverReadingClient(base)
        stuck.send({"type": "subscribe", "symbol": "FAST", "limit": SNAPSHOT_BARS})
        closes: list[float] = []
        async with websockets.connect(ws_url(base)) as reader, httpx.AsyncClient() as http:
            await reader.send(json.dumps({"type": "subscribe", "symbol": "FAST", "limit": 5}))

            async def read() -> None:
                async for text in reader:
                    frame = json.loads(text)
                    closes.extend(bar["close"] for bar in frame.get("bars", ()))

            reading = asyncio.create_task(read())
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 60
            stats: dict = {}
            step = 0
            while loop.time() < deadline:  # the forming bar changes 20 times a second
                step += 1
                rewrite_last(path, row(last, 200.0 + step))
                await asyncio.sleep(0.05)
                if step % 10 == 0:
                    stats = (await http.get(base + "/api/stats")).json()
                    if stats["total_clients"] == 1:
                        break
            dropped_at = len(closes)
            rewrite_last(path, row(last, 555.0))  # the forming bar changes after the drop
            append(path, row(last + 1, 999.0))  # and a new bar comes
            while 999.0 not in closes[dropped_at:] and loop.time() < deadline + 30:
                await asyncio.sleep(0.05)
            reading.cancel()
            after = closes[dropped_at:]
        close = await asyncio.to_thread(stuck.close_frame, 30)
        stuck.sock.close()
        return stats, close, step, after

    stats, close, writes, after = run_async(scenario())
    assert stats["total_clients"] == 1, (writes, stats)  # the stuck one gone, the reader stays
    assert stats["send_timeouts"] == 1, stats
    assert (close.code, close.reason) == (4008, "client too slow: nothing read for too long")
    # The reader, still connected, gets what came after the drop (the changed forming bar, or
    # its snapshot again if the file was reloaded meanwhile) and the new bar.
    assert 999.0 in after, after[-10:]
