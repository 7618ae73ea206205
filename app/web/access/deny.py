"""Refusals as the client can read them: JSON ``{"detail"}`` over HTTP; on a WebSocket the same
HTTP answer to the upgrade (ASGI's ``websocket.http.response``, which uvicorn offers), else a
close before accept (``1008`` policy violation, ``1013`` try again later)."""

from __future__ import annotations

import orjson
from starlette.types import Scope, Send

POLICY_VIOLATION = 1008
TRY_AGAIN_LATER = 1013


async def deny(
    scope: Scope,
    send: Send,
    status: int,
    detail: str,
    headers: dict[str, str] | None = None,
    *,
    html: bytes | None = None,
) -> None:
    """Answer ``status`` with ``detail`` (or ``html`` for a browser asking for a page)."""
    if html is not None:
        body, kind = html, b"text/html; charset=utf-8"
    else:
        body, kind = orjson.dumps({"detail": detail}), b"application/json"
    raw = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode("latin-1")) for k, v in (headers or {}).items()]
    raw.append((b"cache-control", b"no-store"))
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})
        return
    if "websocket.http.response" in scope.get("extensions", {}):
        await send({"type": "websocket.http.response.start", "status": status, "headers": raw})
        await send({"type": "websocket.http.response.body", "body": body})
        return
    code = TRY_AGAIN_LATER if status == 429 else POLICY_VIOLATION
    await send({"type": "websocket.close", "code": code, "reason": detail[:120]})


def wants_html(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"accept":
            return b"text/html" in value
    return False
