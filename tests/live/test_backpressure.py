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

from tests.async_run import run_async
from tests.live.conftest import (
    BARS,
    SYMBOL,
    append,
    next_frame,
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
    settings = {"LIVE_MAX_CLIENTS": "3", "LIVE_CLIENT_BUFFER_BYTES": str(BUFFER)}
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
def test_client_that_never_reads_is_closed_and_memory_stays_flat(
    small_server: tuple[str, Path],
) -> None:
    base, folder = small_server
    path = folder / f"{SYMBOL}.csv"
    request = {"type": "subscribe", "symbol": SYMBOL, "emas": "10,21,50", "limit": 10}

    async def scenario() -> tuple[int, int, int, int]:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # fill up fast
        sock.connect(("127.0.0.1", int(base.rsplit(":", 1)[1])))
        stuck = await websockets.connect(
            ws_url(base), sock=sock, max_queue=1, compression=None
        )  # uncompressed: the bytes offered are the bytes buffered
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
                last_time = max([last_time, *(bar["time"] for bar in frame["bars"])])

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


def pd_time(minute: int) -> int:
    from tests.live.conftest import START

    return int(START.timestamp()) + 60 * minute
