"""Which paths each access rule covers, by prefix, so a route added later is covered unchanged.

- open: ``/health`` (load balancers), the page's static files and scripts (no data in them).
- metrics: ``/metrics`` (METRICS_ALLOWED_IPS when set; the token otherwise, as for the API).
- pages: GET/HEAD outside the API prefixes (``/chart``, ``/report``, ``/docs``...): a browser
  navigates there and cannot add a header, so the token may come from the page's session
  cookie. Nothing that changes state or answers JSON to scripts accepts the cookie.
- everything else (``/api/*``, ``/udf/*``, ``/ws`` and whatever comes next) needs the token in
  ``Authorization: Bearer`` (or ``?token=`` on a WebSocket).
"""

from __future__ import annotations

from starlette.types import Scope

OPEN_PATHS = frozenset({"/health", "/favicon.ico"})
OPEN_PREFIXES = ("/static/", "/assets/")
METRICS_PATH = "/metrics"
API_PREFIXES = ("/api/", "/api", "/udf", "/ws", METRICS_PATH)
# Not counted by RATE_LIMIT: probes, the scrape, and the files a page load fetches by the dozen.
UNLIMITED_PATHS = frozenset({"/health", "/metrics", "/favicon.ico"})


def is_open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def is_metrics(path: str) -> bool:
    return path == METRICS_PATH


def is_page(scope: Scope) -> bool:
    return (
        scope["type"] == "http"
        and scope["method"] in ("GET", "HEAD")
        and not scope["path"].startswith(API_PREFIXES)
    )


def is_unlimited(path: str) -> bool:
    return path in UNLIMITED_PATHS or path.startswith(OPEN_PREFIXES)


def is_cors_preflight(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "OPTIONS":
        return False
    return any(name == b"access-control-request-method" for name, _ in scope["headers"])
