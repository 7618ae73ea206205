"""Access to the FastAPI service: IP allowlists, tokens, rate limits (pure ASGI middlewares,
each a few lines, none installed while its setting is blank).

Order, outermost first: the allowlist (403), the token (401), the rate limit (429). Paths are
matched by prefix (``rules``), so routes added later are covered without changes here.
"""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI

from app.config import Settings
from app.web.access.allowlist import AllowlistMiddleware
from app.web.access.client import ClientResolver
from app.web.access.limiter import RateLimiter, redis_storage
from app.web.access.rate_limit import RateLimitMiddleware
from app.web.access.socket_count import SocketCounter
from app.web.access.tokens import TokenMiddleware

__all__ = ["install_access"]

# uvicorn logs each request's path with its query: a WebSocket's ?token= must not reach the log.
_TOKEN_IN_QUERY = re.compile(r"([?&]token=)[^&\s\"']*", re.IGNORECASE)
LOGGERS_QUOTING_PATHS = ("uvicorn.access", "uvicorn.error")


class TokenQueryFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and any(isinstance(a, str) and "token=" in a.lower() for a in record.args):
            record.msg = _TOKEN_IN_QUERY.sub(r"\1***", record.getMessage())
            record.args = None
        return True


_query_filter = TokenQueryFilter()


def install_access(app: FastAPI, settings: Settings) -> None:
    """Add the middlewares the settings ask for (added last = runs first)."""
    for name in LOGGERS_QUOTING_PATHS:
        logger = logging.getLogger(name)
        if _query_filter not in logger.filters:
            logger.addFilter(_query_filter)
    resolver = ClientResolver(settings.trusted_proxies, settings.forwarded_header)
    if settings.rate_limit or settings.ws_max_per_client:
        shared = None
        if settings.rate_limit and settings.redis_enabled:
            shared = redis_storage(settings.redis_url, settings.live_redis_timeout_s)
        limiter = RateLimiter(settings.rate_limit, shared) if settings.rate_limit else None
        sockets = None
        if settings.ws_max_per_client:
            sockets = SocketCounter(
                settings.ws_max_per_client,
                settings.redis_url if settings.redis_enabled else None,
                settings.live_redis_timeout_s,
                settings.ws_count_ttl_s,
            )
        app.add_middleware(RateLimitMiddleware, resolver=resolver, limiter=limiter, sockets=sockets)
    if settings.api_tokens:
        app.add_middleware(TokenMiddleware, tokens=settings.access_tokens)
    if settings.allowed_ips or settings.metrics_allowed_ips:
        app.add_middleware(
            AllowlistMiddleware,
            resolver=resolver,
            allowed=settings.allowed_ips,
            metrics_allowed=settings.metrics_allowed_ips,
        )
