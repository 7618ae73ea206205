"""Clients the server must refuse or drop: at the connection cap (1013), too slow (4008)."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets
from websockets.client import ClientProtocol
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
from websockets.frames import Close, Frame, Opcode
from websockets.protocol import State
from websockets.uri import parse_uri

from tests.async_run import run_async
from tests.live.conftest import (
    BARS,
    SYMBOL,
    append,
    next_frame,
    rewrite_last,
    row,
    run_server,
    write_minutes,
    ws_url,
)

BUFFER = 65_536


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("live_small")
    write_minutes(folder / f"{SYMBOL}.csv")
    settings = {
        "LIVE_MAX_CLIENTS": "3",
        "LIVE_CLIENT_BUFFER_BYTES": str(BUFFER),
        "LIVE_SOCKET_SEND_BUFFER_BYTES": "16384",  # a stuck socket fills after little data
        # the stuck client reads its close frame once the test sees it dropped: on a loaded
        # machine that can be more than the default 5 s after the close (then aborted, no code)
        "LIVE_CLOSE_DEADLINE_S": "60",
    }
    with run_server(folder, **settings) as base:
        yield base, folder


def server_rss(base: str) -> int:
    """Resident memory of the process listening on the server's port (from /proc)."""
    port = int(base.rsplit(":", 1)[1])
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                inodes.add(fields[9])
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            links = {p.readlink().name for p in (proc / "fd").iterdir()}
        except OSError:
            continue
        if any(f"socket:[{inode}]" in links for inode in inodes):
            status = (proc / "status").read_text()
            kb = next(line for line in status.splitlines() if line.startswith("VmRSS"))
            return int(kb.split()[1]) * 1024
    raise LookupError(f"no process listens on {port}")


def test_connection_cap_closes_with_1013(small_server: tuple[str, Path]) -> None:
    base, _folder = small_server

    async def scenario() -> int:
        clients = [await websockets.connect(ws_url(base)) for _ in range(3)]
        try:
            extra = await websockets.connect(ws_url(base))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(extra.recv(), 5)
            return closed.value.rcvd.code
        finally:
            for client in clients:
                await client.close()

    assert run_async(scenario()) == 1013


@pytest.mark.slow
@pytest.mark.parametrize("compression", [None, "deflate"])
def test_client_that_never_reads_is_closed_and_memory_stays_flat(
    small_server: tuple[str, Path], compression: str | None
) -> None:
    """Uncompressed, the bytes offered are the bytes buffered; with permessage-deflate (what
    browsers negotiate) updates go through the connection's compressor, and the same bounds
    must hold."""
    base, folder = small_server
    symbol = "STUCKZ" if compression else "STUCK"  # a file of its own: bars from BARS on
    path = folder / f"{symbol}.csv"
    write_minutes(path)
    request = {"type": "subscribe", "symbol": symbol, "emas": "10,21,50", "limit": 10}

    async def scenario() -> tuple[int, int, int, int]:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # fill up fast
        sock.connect(("127.0.0.1", int(base.rsplit(":", 1)[1])))
        stuck = await websockets.connect(
            ws_url(base), sock=sock, max_queue=1, compression=compression
        )
        assert bool(stuck.protocol.extensions) == (compression is not None)
        await stuck.send(json.dumps(request))
        reader = await websockets.connect(ws_url(base))
        await reader.send(json.dumps(request))
        await next_frame(reader, kind="snapshot")
        received = 0
        last_time = 0

        async def read_all() -> None:
            nonlocal received, last_time
            async for text in reader:
                received += len(text)
                frame = json.loads(text)
                last_time = max([last_time, *(bar["time"] for bar in frame.get("bars", ()))])

        reading = asyncio.create_task(read_all())
        before = server_rss(base)
        minute = BARS
        async with httpx.AsyncClient(base_url=base) as http:
            for _ in range(200):  # up to 200 x 200 bars, each update ~35 KB
                append(path, "".join(row(minute + i, 100 + i % 7) for i in range(200)))
                minute += 200
                await asyncio.sleep(0.05)
                stats = (await http.get("/api/stats")).json()
                if stats["total_clients"] == 1 and minute - BARS >= 9_000:
                    break
        grown = server_rss(base) - before
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:  # now read what the stuck client was sent: it ends with our close
                await asyncio.wait_for(stuck.recv(), 10)
        deadline = time.monotonic() + 10
        expected = int(pd_time(minute - 1))
        while last_time < expected and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        reading.cancel()
        await reader.close()
        return closed.value.rcvd.code, grown, received, last_time - expected

    code, grown, received, behind = run_async(scenario())
    assert code == 4008
    assert behind == 0  # the reading client got every bar
    assert received > 20 * BUFFER  # what the stuck client was offered, many times its buffer
    assert grown < 40 * 2**20, f"server grew {grown / 2**20:.1f} MB"


class SansIOClient:
    """A deflate WebSocket client that reads its socket only when asked (a real one keeps
    reading into its own buffers): websockets' sans-I/O ``ClientProtocol`` over a bare socket
    with a small receive buffer, so the server's side fills as soon as it stops reading."""

    def __init__(self, base: str) -> None:
        factory = ClientPerMessageDeflateFactory(client_max_window_bits=True)
        self.proto = ClientProtocol(parse_uri(ws_url(base)), extensions=[factory], max_size=None)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.setblocking(False)
        self.port = int(base.rsplit(":", 1)[1])
        self.frames: list[dict] = []

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.sock_connect(self.sock, ("127.0.0.1", self.port))
        self.proto.send_request(self.proto.connect())
        await self._flush()
        while not self.proto.handshake_exc and self.proto.state is not State.OPEN:
            await self.read(1)
        assert self.proto.extensions, "permessage-deflate was not negotiated"

    async def send(self, frame: dict) -> None:
        self.proto.send_text(json.dumps(frame).encode())
        await self._flush()

    async def read(self, timeout: float) -> bool:
        """Read what arrives within ``timeout`` (False: nothing came); frames go to ``frames``."""
        loop = asyncio.get_running_loop()
        try:
            data = await asyncio.wait_for(loop.sock_recv(self.sock, 65536), timeout)
        except TimeoutError:
            return False
        self.proto.receive_data(data) if data else self.proto.receive_eof()
        for event in self.proto.events_received():
            if isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                self.frames.append(json.loads(event.data))
            elif isinstance(event, Frame) and event.opcode is Opcode.CLOSE:
                self.frames.append({"type": "close", "code": Close.parse(event.data).code})
        await self._flush()
        return bool(data)

    async def _flush(self) -> None:
        for data in self.proto.data_to_send():
            if data:
                await asyncio.get_running_loop().sock_sendall(self.sock, data)


def test_slow_deflate_client_gets_the_newest_bars_coalesced(
    small_server: tuple[str, Path],
) -> None:
    """A deflate client that stops reading (its socket full behind a big snapshot) while the
    forming bar changes gets, once it reads again, every bar in order and the newest state of
    each, in fewer frames than a client that kept reading: coalesced, not queued, not closed."""
    base, folder = small_server
    live, big = folder / "SLOWLIVE.csv", folder / "SLOWBIG.csv"
    write_minutes(live, seed=3)
    write_minutes(big, 3000, seed=4)  # a snapshot of ~500 KB of JSON: it fills the pipe
    request = {"type": "subscribe", "id": "s", "symbol": "SLOWLIVE", "emas": "10", "limit": 5}

    async def scenario() -> tuple[list[dict], list[dict]]:
        slow = SansIOClient(base)
        await slow.open()
        await slow.send(request)
        while not slow.frames:
            assert await slow.read(5), "no snapshot"
        async with websockets.connect(ws_url(base), compression="deflate") as fast:
            await fast.send(json.dumps(request))
            await next_frame(fast, kind="snapshot")
            await slow.send({"type": "subscribe", "id": "big", "symbol": "SLOWBIG",
                             "emas": "10,21", "limit": 3000})  # fmt: skip
            await asyncio.sleep(0.5)  # the snapshot fills the server's send buffers
            seen: list[dict] = []
            for step in range(6):
                minute = BARS + step // 3
                writer = append if step % 3 == 0 else rewrite_last
                writer(live, row(minute, 100.0 + step))
                seen.append(await next_frame(fast, 3.0, "update"))
            while await slow.read(1.0):  # reading again: everything owed arrives
                pass
        return slow.frames, seen

    slow_frames, fast_frames = run_async(scenario())
    slow_frames = [f for f in slow_frames if f["type"] != "status"]  # the feeds' state
    assert [f["type"] for f in slow_frames[:2]] == ["snapshot", "snapshot"]
    assert len(slow_frames[1]["bars"]) == 3000
    slow_updates = [f for f in slow_frames if f["type"] == "update"]
    assert "close" not in {f["type"] for f in slow_frames}
    assert len(fast_frames) == 6
    assert 1 <= len(slow_updates) < len(fast_frames)  # coalesced while the socket was full
    times = [bar["time"] for f in slow_updates for bar in f["bars"]]
    assert times == sorted(times)
    newest = {bar["time"]: bar for f in fast_frames for bar in f["bars"]}
    assert {bar["time"]: bar for f in slow_updates for bar in f["bars"]} == newest
    assert [bar["close"] for bar in newest.values()] == [102.0, 105.0]  # the last of each bar


def pd_time(minute: int) -> int:
    from tests.live.conftest import START

    return int(START.timestamp()) + 60 * minute
