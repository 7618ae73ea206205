"""A load-generator process for the live bench: N WebSocket clients, each recording when every
bar arrived. ``python -m bench.live_clients URL MODE N SYMBOLS SECONDS OUT [deflate]``.

MODE ``ours`` subscribes through our protocol; ``floor`` joins the bare broadcast server's group.
With ``deflate`` the clients offer permessage-deflate, as browsers do.
Prints ``ready <n>`` once every client holds its snapshot (or joined), or after a deadline with
the number that did, waits for a line on stdin (the bench's go, once every generator is ready),
then records for SECONDS and writes ``OUT`` (.npy, rows of symbol index, bar time, volume (the
bench's write number when rows are rewritten), receive time).
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import sys
import time

import numpy as np
import orjson
import websockets


def raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


CONNECT_DEADLINE_S = 240.0  # clients not connected by then are left out (and counted)


async def connect_with_retries(url: str, deadline: float, deflate: bool):
    """A connection, retried with backoff while the server's accept queue is full."""
    delay = 0.2
    while True:
        try:
            return await websockets.connect(
                url,
                compression="deflate" if deflate else None,
                max_size=2**24,
                open_timeout=30,
                ping_interval=None,
            )
        except (OSError, TimeoutError, websockets.WebSocketException):
            if time.monotonic() + delay > deadline:
                raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


async def client(
    url: str, mode: str, index: int, symbols: list[str], out: list, ready, deflate: bool
) -> None:
    symbol_index = index % len(symbols)
    symbol = symbols[symbol_index]
    ws = await connect_with_retries(url, time.monotonic() + CONNECT_DEADLINE_S, deflate)
    async with ws:
        if mode == "ours":
            request = {
                "type": "subscribe",
                "id": "s",
                "symbol": symbol,
                "timeframe": "1m",
                "emas": "10,21",
                "limit": 10,
            }
            await ws.send(orjson.dumps(request).decode())
            first = orjson.loads(await ws.recv())
            assert first["type"] == "snapshot", first
        else:
            await ws.send(orjson.dumps({"type": "join", "symbol": symbol}).decode())
        ready()
        async for message in ws:
            now = time.time()
            frame = orjson.loads(message)
            if frame.get("type") == "update":
                for bar in frame["bars"]:  # a slow reader gets several bars in one frame
                    out.append((symbol_index, bar["time"], bar["volume"], now))


async def main(
    url: str, mode: str, count: int, symbols: list[str], seconds: float, path: str, deflate: bool
):
    out: list = []
    joined = 0
    all_in = asyncio.Event()

    def ready() -> None:
        nonlocal joined
        joined += 1
        if joined == count:
            all_in.set()

    tasks = []
    for index in range(count):
        tasks.append(asyncio.create_task(client(url, mode, index, symbols, out, ready, deflate)))
        if index % 50 == 49:
            await asyncio.sleep(0.05)  # do not storm the accept queue
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(all_in.wait(), CONNECT_DEADLINE_S + 30)
    print(f"ready {joined}", flush=True)
    # Record from the moment every generator is ready (the bench says "go"): with 10,000
    # clients the first process is ready a minute before the last one.
    await asyncio.to_thread(sys.stdin.readline)
    await asyncio.sleep(seconds)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    np.save(path, np.array(out, dtype=np.float64).reshape(-1, 4))


if __name__ == "__main__":
    raise_file_limit()
    url, mode, count, symbols, seconds, path = sys.argv[1:7]
    deflate = sys.argv[7:8] == ["deflate"]
    asyncio.run(main(url, mode, int(count), symbols.split(","), float(seconds), path, deflate))
