"""HEAD on every GET route (load balancers and uptime checks send HEAD; it answered 405).

An ASGI middleware rather than a HEAD method on each route: the request is served as the GET it
stands for, with the GET's status and headers (Content-Length included) and no body, and the
OpenAPI document keeps one operation per route.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGetMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        sent_end = False

        async def send_without_body(message: Message) -> None:
            nonlocal sent_end
            if message["type"] == "http.response.body":
                if message.get("more_body", False) or sent_end:
                    return  # the body is dropped; only its end is passed on
                sent_end = True
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)
