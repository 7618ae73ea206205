"""RATE_LIMIT per token (else per client address), and WS_MAX_PER_CLIENT open WebSockets.

Over the rate: 429 with ``Retry-After``; every counted answer carries ``RateLimit-Limit``,
``RateLimit-Remaining`` and ``RateLimit-Reset`` (seconds). ``/health``, ``/metrics`` and the
page's static files are not counted. A WebSocket's upgrade counts as one request; the sockets
open at once are capped separately (over every worker and replica through Redis when it is set:
``socket_count``), answered 429 beyond the cap.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.access import rules
from app.web.access.client import ClientResolver
from app.web.access.deny import deny
from app.web.access.limiter import RateLimiter
from app.web.access.socket_count import SocketCounter
from app.web.access.tokens import TOKEN_SCOPE_KEY


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        resolver: ClientResolver,
        limiter: RateLimiter | None,
        sockets: SocketCounter | None,
    ) -> None:
        self.app = app
        self.resolver = resolver
        self.limiter = limiter
        self.sockets = sockets

    def client_key(self, scope: Scope) -> str:
        token_id = scope.get(TOKEN_SCOPE_KEY)
        return f"t:{token_id}" if token_id else f"ip:{self.resolver(scope)}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or rules.is_unlimited(scope["path"]):
            await self.app(scope, receive, send)
            return
        key = self.client_key(scope)
        extra: list[tuple[bytes, bytes]] = []
        if self.limiter is not None:
            verdict = await self.limiter.hit(key)
            if not verdict.allowed:
                headers = {k.decode(): v.decode() for k, v in verdict.headers()}
                headers["Retry-After"] = str(verdict.reset_s)
                detail = f"Too many requests (RATE_LIMIT); try again in {verdict.reset_s} s."
                await deny(scope, send, 429, detail, headers)
                return
            extra = verdict.headers()
        if scope["type"] == "websocket":
            await self._socket(scope, receive, send, key)
            return
        if not extra:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _socket(self, scope: Scope, receive: Receive, send: Send, key: str) -> None:
        sockets = self.sockets
        if sockets is None:
            await self.app(scope, receive, send)
            return
        member = await sockets.admit(key)
        if member is None:
            detail = (
                f"{sockets.maximum} live connections are already open from this client "
                "(WS_MAX_PER_CLIENT)."
            )
            await deny(scope, send, 429, detail, {"Retry-After": "5"})
            return
        try:
            await self.app(scope, receive, send)
        finally:
            await sockets.release(key, member)
