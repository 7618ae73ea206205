"""One middleware around every request: its id, its metrics, its JSON access line.

The id is the ``X-Request-ID`` a trusted proxy (TRUSTED_PROXIES) sent, else a new one; it is in
every log line written while the request runs (a context variable) and in the answer's
``X-Request-ID``. Requests are counted by route *template* (``/api/ohlcv``, not each symbol's
URL), so the metrics' label sets stay bounded; a path no route matched counts as
``(unmatched)``.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.metrics import HTTP_DURATION, HTTP_REQUESTS
from app.web.access.client import ClientResolver, in_networks, parse_ip
from app.web.ops.json_logs import request_id_var

access_logger = logging.getLogger("superchart.access")
GOOD_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    return getattr(route, "path", None) or "(unmatched)"


class ObserveMiddleware:
    def __init__(
        self, app: ASGIApp, *, resolver: ClientResolver, metrics: bool, access_log: bool
    ) -> None:
        self.app = app
        self.resolver = resolver
        self.metrics = metrics
        self.access_log = access_log

    def request_id(self, scope: Scope) -> str:
        if self.resolver.trusted:
            client = scope.get("client")
            if client and in_networks(parse_ip(client[0]), self.resolver.trusted):
                for name, value in scope.get("headers", ()):
                    if name == b"x-request-id" and GOOD_ID.fullmatch(value):
                        return value.decode()
        return uuid.uuid4().hex

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = self.request_id(scope)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500  # an exception before an answer started
        id_header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            kind = message["type"]
            if kind == "http.response.start" or kind == "websocket.http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), id_header]}
            elif kind == "websocket.accept":
                status = 101
            elif kind == "websocket.close" and status == 500:
                status = 403  # closed before it was accepted
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            method = scope.get("method", "WS")
            route = route_template(scope)
            if self.metrics and scope["type"] == "http":
                HTTP_REQUESTS.labels(method, route, str(status)).inc()
                HTTP_DURATION.labels(method, route).observe(elapsed)
            if self.access_log:
                access_logger.info(
                    "%s %s %s",
                    method,
                    route,
                    status,
                    extra={
                        "method": method,
                        "route": route,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                        "client": str(self.resolver(scope)),
                    },
                )
            request_id_var.reset(token)
