"""ALLOWED_IPS and METRICS_ALLOWED_IPS: requests from other addresses get 403 (a WebSocket is
refused before it opens). ``/health`` stays open to every address (load balancers, probes)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from app.settings.access import IpNetwork
from app.web.access import rules
from app.web.access.client import ClientResolver, in_networks
from app.web.access.deny import deny

METRICS_BY_IP = "superchart.metrics_by_ip"  # /metrics let in by METRICS_ALLOWED_IPS


class AllowlistMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        resolver: ClientResolver,
        allowed: Sequence[IpNetwork],
        metrics_allowed: Sequence[IpNetwork],
    ) -> None:
        self.app = app
        self.resolver = resolver
        self.allowed = tuple(allowed)
        self.metrics_allowed = tuple(metrics_allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] == "/health":
            await self.app(scope, receive, send)
            return
        if rules.is_metrics(scope["path"]) and self.metrics_allowed:
            networks = self.metrics_allowed
            scope[METRICS_BY_IP] = True
        else:
            networks = self.allowed
        if networks and not in_networks(self.resolver(scope), networks):
            what = "METRICS_ALLOWED_IPS" if scope.get(METRICS_BY_IP) else "ALLOWED_IPS"
            await deny(scope, send, 403, f"This address is not allowed in ({what}).")
            return
        await self.app(scope, receive, send)
