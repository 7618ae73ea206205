"""The floor of the live bench: a bare ``websockets`` broadcast server, as in the library's
broadcast guide. Clients send ``{"type": "join", "symbol"}``; a publisher sends
``{"type": "publish", "symbol", "frame"}`` and the frame goes to the symbol's group with
``websockets.broadcast``. ``python -m bench.live_floor PORT [deflate]`` (with ``deflate``,
permessage-deflate is accepted and each connection compresses its own copy, as the library
does); ``GET /health`` answers 200.
"""

from __future__ import annotations

import asyncio
import sys
from http import HTTPStatus

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


async def main(port: int, deflate: bool) -> None:
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


if __name__ == "__main__":
    raise_file_limit()
    asyncio.run(main(int(sys.argv[1]), sys.argv[2:3] == ["deflate"]))
