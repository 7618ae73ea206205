"""API_TOKENS: every request but the open ones carries one of the tokens (401 otherwise).

The token comes in ``Authorization: Bearer <token>``; on a WebSocket also as ``?token=``
(browsers cannot set a WebSocket's headers); on a page navigation also from the session cookie
the token dialog sets. It is compared with every configured token in constant time (SHA-256
digests through ``hmac.compare_digest``, all of them, so neither the match nor its length shows
in the timing). What the rate limiter keys on is a short digest, never the token.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import parse_qsl, unquote

from starlette.types import ASGIApp, Receive, Scope, Send

from app.web.access import rules
from app.web.access.allowlist import METRICS_BY_IP
from app.web.access.deny import deny, wants_html

TOKEN_SCOPE_KEY = "superchart.token_id"
COOKIE = "superchart_token"
MAX_TOKEN_CHARS = 512
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="superchart"'}
REJECTED = {"WWW-Authenticate": 'Bearer realm="superchart", error="invalid_token"'}
GATE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
GATE_PAGE = (Path(__file__).parent / "gate.html").read_bytes()


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def bearer_token(scope: Scope) -> str | None:
    """The token a request carries, wherever this kind of request may carry it."""
    cookie = None
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and credentials.strip():
                return credentials.strip()
        elif name == b"cookie":
            cookie = value
    if scope["type"] == "websocket":
        query = scope.get("query_string", b"").decode("latin-1")
        for name, value in parse_qsl(query):
            if name == "token":
                return value
    if cookie is not None and rules.is_page(scope):
        for part in cookie.decode("latin-1").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE and value:
                return unquote(value)
    return None


class TokenMiddleware:
    def __init__(self, app: ASGIApp, *, tokens: Sequence[str]) -> None:
        self.app = app
        self._digests = tuple((_digest(t), _digest("id:" + t).hex()[:16]) for t in tokens)

    def match(self, given: str | None) -> str | None:
        """The matched token's id (for rate limits), or None; every token is compared."""
        if not given or len(given) > MAX_TOKEN_CHARS:
            return None
        offered = _digest(given)
        found = None
        for digest, token_id in self._digests:
            if hmac.compare_digest(offered, digest):
                found = token_id
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or rules.is_open(scope["path"]):
            await self.app(scope, receive, send)
            return
        if rules.is_cors_preflight(scope):  # a browser never sends credentials with one
            await self.app(scope, receive, send)
            return
        if rules.is_metrics(scope["path"]) and scope.get(METRICS_BY_IP):
            await self.app(scope, receive, send)
            return
        token = bearer_token(scope)
        token_id = self.match(token)
        if token_id is None:
            detail = "An access token is required (API_TOKENS): send Authorization: Bearer <token>."
            headers = dict(CHALLENGE)
            if token:
                detail = "The access token was not accepted."
                headers = dict(REJECTED)
            page = GATE_PAGE if rules.is_page(scope) and wants_html(scope) else None
            if page is not None:
                headers["Content-Security-Policy"] = GATE_CSP
            await deny(scope, send, 401, detail, headers, html=page)
            return
        scope[TOKEN_SCOPE_KEY] = token_id
        await self.app(scope, receive, send)
