"""The bounds ``make run`` and the FastAPI image give uvicorn against slow or oversized clients.

uvicorn bounds what it can, and no more (#19):
- a request head (request line and headers) is at most ``MAX_HEAD_BYTES``: h11 answers 400 and
  closes past it (``--h11-max-incomplete-event-size``; so ``--http h11``: httptools, uvicorn's
  other parser, buffers a header of any size);
- an idle keep-alive connection is closed ``KEEP_ALIVE_S`` after its last response
  (``--timeout-keep-alive``);
- at most LIVE_MAX_CLIENTS + ``HTTP_HEADROOM`` connections and tasks at once
  (``--limit-concurrency``): past it a new request gets 503, so a flood of open sockets holds a
  bounded number of descriptors and buffers (and the WebSocket cap, 1013, is reached first).

Not covered: uvicorn has no deadline on receiving a request's head, so a client sending its
headers a byte at a time (or a half-sent upgrade) holds its connection until it gives up, and
enough of them fill ``--limit-concurrency`` for everyone. Only a proxy in front (nginx's
``client_header_timeout``, HAProxy's ``timeout http-request``) closes those.

``python -m app.server_limits`` prints the arguments (the Dockerfile's command uses them).
"""

from __future__ import annotations

import os

MAX_HEAD_BYTES = 16_384  # h11's own default, stated so it is not lost
KEEP_ALIVE_S = 5
HTTP_HEADROOM = 1024  # connections beyond the WebSocket cap, for plain HTTP
DEFAULT_LIVE_MAX_CLIENTS = 2000


def live_max_clients() -> int:
    """LIVE_MAX_CLIENTS as the app reads it; its default when the settings are invalid (the
    app then refuses to start with its own message)."""
    try:
        from app.config import load_settings

        return load_settings().live_max_clients
    except Exception:
        raw = os.environ.get("LIVE_MAX_CLIENTS", "").strip()
        return int(raw) if raw.isdigit() else DEFAULT_LIVE_MAX_CLIENTS


def uvicorn_limit_args(max_clients: int | None = None) -> list[str]:
    """uvicorn's command-line bounds (see the module docstring)."""
    clients = live_max_clients() if max_clients is None else max_clients
    return [
        *("--http", "h11", "--h11-max-incomplete-event-size", str(MAX_HEAD_BYTES)),
        *("--timeout-keep-alive", str(KEEP_ALIVE_S)),
        *("--limit-concurrency", str(clients + HTTP_HEADROOM)),
    ]


if __name__ == "__main__":
    print(" ".join(uvicorn_limit_args()))
