"""The floor of the live bench: a bare ``websockets`` broadcast server, as in the library's
broadcast guide. Clients send ``{"type": "join", "symbol"}``; a publisher sends
``{"type": "publish", "symbol", "frame"}`` and the frame goes to the symbol's group with
``websockets.broadcast``. ``python -m bench.live_floor PORT [deflate] [watch=DIR]`` (with
``deflate``, permessage-deflate is accepted and each connection compresses its own copy, as the
library does; with ``watch=DIR``, the floor also follows DIR's CSV files itself: on each inotify
change it reads the file's last line and, if it changed and parses, broadcasts it to the file's
symbol as an update frame, the least a file-fed server can do); ``GET /health`` answers 200.
"""

from __future__ import annotations

import asyncio
import sys
from http import HTTPStatus
from pathlib import Path

import orjson
import websockets
from websockets.asyncio.server import broadcast, serve

from bench.live_clients import raise_file_limit

GROUPS: dict[str, set] = {}


async def handler(ws) -> None:
    joined: set | None = None
    try:
        async for message in ws:
            body = orjson.loads(message)
            if body["type"] == "join":
                joined = GROUPS.setdefault(body["symbol"], set())
                joined.add(ws)
            elif body["type"] == "publish":
                broadcast(GROUPS.get(body["symbol"], ()), body["frame"])
    except websockets.ConnectionClosed:
        pass
    finally:
        if joined is not None:
            joined.discard(ws)


def health(connection, request):
    if request.path == "/health":
        return connection.respond(HTTPStatus.OK, "ok\n")
    return None


def last_row(path: Path) -> bytes:
    with open(path, "rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - 4096))
        return handle.read().rstrip(b"\n").rsplit(b"\n", 1)[-1]


def update_frame(symbol: str, row: bytes) -> str | None:
    """The update frame of one CSV row (time,open,high,low,close,volume), or None if it does
    not parse (the file read between a writer's write and its truncate)."""
    try:
        time, open_, high, low, close, volume = row.split(b",")
        values = {"time": int(time), "open": float(open_), "high": float(high), "low": float(low),
                  "close": float(close), "volume": float(volume)}  # fmt: skip
    except ValueError:
        return None
    values["ema_10"] = values["ema_21"] = values["close"]  # the size of our frames
    frame = {"type": "update", "id": "s", "symbol": symbol, "timeframe": "1m", "bars": [values]}
    return orjson.dumps(frame).decode()


async def follow(folder: Path) -> None:
    """Broadcast each changed last row of the CSVs in ``folder`` to its symbol's group."""
    from asyncinotify import Inotify, Mask

    sent: dict[str, bytes] = {}
    with Inotify() as inotify:
        inotify.add_watch(folder, Mask.MODIFY)
        async for event in inotify:
            if event.path is None or event.path.suffix != ".csv":
                continue
            symbol = event.path.stem
            row = last_row(event.path)
            if sent.get(symbol) == row:
                continue
            frame = update_frame(symbol, row)
            if frame is not None:
                sent[symbol] = row
                broadcast(GROUPS.get(symbol, ()), frame)


async def main(port: int, deflate: bool, watch: Path | None) -> None:
    follower = asyncio.create_task(follow(watch)) if watch is not None else None
    async with serve(
        handler,
        "127.0.0.1",
        port,
        process_request=health,
        compression="deflate" if deflate else None,
        backlog=4096,
        max_size=2**20,
    ) as server:
        await server.serve_forever()
    if follower is not None:
        follower.cancel()


if __name__ == "__main__":
    raise_file_limit()
    options = sys.argv[2:]
    watched = [Path(o.removeprefix("watch=")) for o in options if o.startswith("watch=")]
    asyncio.run(main(int(sys.argv[1]), "deflate" in options, watched[0] if watched else None))
