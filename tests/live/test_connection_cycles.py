"""What a ``WS /ws`` connection holds is freed when it closes, by reference counting alone.

A closed connection whose objects sit in a reference cycle waits for a full GC collection, and
a full collection inside the live fan-out stops every client's updates while it walks them
(#25: ~100 objects a connection, in the p99). The server here runs with its automatic GC off
(``gc_probe_server``): after clients subscribe, replay, unsubscribe, get closed by the server or
vanish, and close, ``gc.collect()`` must find nothing of theirs, and the process must not have
grown for them: Python's allocated blocks (``sys.getallocatedblocks``) come back to where they
were (the RSS, which the C allocator's per-thread arenas move by megabytes either way, is printed
for the record, and the bench reports it per 1,000 clients).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from tests.async_run import run_async
from tests.live.conftest import START, SYMBOL, next_frame, server_env
from tests.live_server import ROOT

CLIENTS = 120  # per round, in every way a connection ends (below)
ROUNDS = 4
# A connection kept in cycles (before #25) held ~121 objects and more blocks (their dicts, lists,
# buffers): over 4 x 120 connections, 58,000 objects or more. Freed ones leave a few blocks to
# caches that are bounded (the per-round figure is the same whatever the rounds).
MAX_BLOCKS_PER_CONNECTION = 8


class ProbeServer:
    def __init__(self, data_dir: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.live.gc_probe_server"],
            cwd=ROOT,
            env={**os.environ, **server_env(data_dir)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        first = self.process.stdout.readline()
        if not first:
            raise RuntimeError(f"the probe server exited ({self.process.wait()})")
        self.base = f"http://127.0.0.1:{json.loads(first)['port']}"

    def probe(self) -> dict:
        self.process.stdin.write("probe\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def probe_server(data_dir: Path) -> Iterator[ProbeServer]:
    server = ProbeServer(data_dir)
    try:
        yield server
    finally:
        server.close()


def subscribe_frame(request_id: str = "s") -> str:
    return json.dumps({"type": "subscribe", "id": request_id, "symbol": SYMBOL,
                       "timeframe": "1m", "emas": "10,21", "limit": 10})  # fmt: skip


async def one_client(url: str, index: int) -> None:
    """One connection, ended in one of six ways by its index."""
    way = index % 6
    async with websockets.connect(
        url, compression="deflate" if way == 1 else None, ping_interval=None
    ) as ws:
        await ws.send(subscribe_frame())
        assert (await next_frame(ws, 20))["type"] == "snapshot"
        if way == 2:  # leaves the stream first
            await ws.send(json.dumps({"type": "unsubscribe", "id": "s"}))
        elif way == 3:  # the server closes it: a binary frame is not the protocol (1008)
            await ws.send(b"\x00")
            with pytest.raises(websockets.ConnectionClosed):
                while True:
                    await ws.recv()
            assert ws.close_code == 1008
        elif way == 4:  # a replay playing when it closes
            start = int(START.timestamp()) + 100 * 60
            await ws.send(json.dumps({"type": "replay", "id": "r", "symbol": SYMBOL,
                                      "timeframe": "1m", "start": start, "speed": 50}))  # fmt: skip
            assert (await next_frame(ws, 20))["type"] == "snapshot"
        elif way == 5:  # vanishes: no closing handshake
            ws.transport.abort()


async def client_round(base: str) -> None:
    url = base.replace("http://", "ws://") + "/ws"
    for first in range(0, CLIENTS, 40):  # 40 at once: a shared machine's accept queue
        await asyncio.gather(*(one_client(url, i) for i in range(first, first + 40)))
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        for _ in range(200):  # the server's side of each close runs after the client's
            stats = (await http.get("/api/stats")).json()
            if stats["total_clients"] == 0 and stats["total_subscriptions"] == 0:
                return
            await asyncio.sleep(0.05)
    raise AssertionError(f"clients still counted after closing: {stats}")


def test_closed_connections_leave_no_cyclic_garbage(probe_server: ProbeServer) -> None:
    run_async(client_round(probe_server.base))  # warm-up: first imports, caches, pools
    baseline = probe_server.probe()
    for _ in range(ROUNDS):
        run_async(client_round(probe_server.base))
    after = probe_server.probe()
    assert after["garbage"] < CLIENTS // 10, (
        f"{after['garbage']} objects in reference cycles after {ROUNDS * CLIENTS} connections "
        f"closed: {after['kinds']}"
    )
    connections = ROUNDS * CLIENTS
    blocks = after["blocks"] - baseline["blocks"]
    rss = after["rss_kib"] - baseline["rss_kib"]
    print(f"after {connections} connections: {blocks:+} blocks, RSS {rss:+} KiB")
    assert blocks < MAX_BLOCKS_PER_CONNECTION * connections, (
        f"{blocks} memory blocks more after {connections} connections closed (RSS {rss:+} KiB)"
    )
