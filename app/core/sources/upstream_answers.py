"""An upstream's HTTP answer -> its JSON, or the one of our errors its status means, for the
public market-data sources (Binance's REST API, Pyth and other UDF servers)."""

from __future__ import annotations

from typing import Any

import orjson

from app.core.errors import (
    SymbolNotFoundError,
    UpstreamAuthError,
    UpstreamError,
    UpstreamNoEndpointError,
    UpstreamPayloadError,
    UpstreamRateLimitedError,
    UpstreamUnavailableError,
    shorten,
)
from app.core.sources.upstream_http import Fetched, UpstreamClient

SHOWN_UPSTREAM_CHARS = 200  # of an upstream's own error text, in our message


def json_answer(fetched: Fetched, client: UpstreamClient, symbol: str | None = None) -> Any:
    """The answer's JSON (any status below 400), else our error for its status: 401/403 auth,
    404 unknown symbol (or endpoint), 418/429 rate-limited, 5xx unavailable, other 4xx refused
    with the upstream's own words (cut short, scrubbed)."""
    status = fetched.status
    who = client.label[:1].upper() + client.label[1:]
    retries = client.retries_text(fetched.retries)
    if status in (401, 403):
        raise UpstreamAuthError(f"{who} refused the request (HTTP {status}).")
    if status == 404:
        if symbol is None:
            raise UpstreamNoEndpointError(f"{who} has no such endpoint (HTTP 404).")
        raise SymbolNotFoundError(
            symbol, message=f"{who} does not know the symbol {shorten(symbol)!r} (HTTP 404)."
        )
    if status in (418, 429):
        raise UpstreamRateLimitedError(
            f"{who} is rate-limiting us (HTTP {status}) after {retries}. Try again shortly."
        )
    if status >= 500:
        raise UpstreamUnavailableError(
            f"{who} at {client.host} is unavailable (HTTP {status}) after {retries}."
        )
    if status >= 400:
        raise UpstreamError(
            f"{who} refused the request (HTTP {status}): {upstream_text(fetched, client)}"
        )
    try:
        return orjson.loads(fetched.body)
    except orjson.JSONDecodeError:
        kind = client.scrub(fetched.headers.get("Content-Type", "unknown type"))[:60]
        raise UpstreamPayloadError(
            f"{who} answered with something that is not JSON ({kind}, {len(fetched.body):,} bytes)."
        ) from None


def upstream_text(fetched: Fetched, client: UpstreamClient) -> str:
    """The upstream's own error words: a JSON ``msg``/``errmsg``/``detail``, else the body,
    on one line, cut short and scrubbed of secrets."""
    text = fetched.body[:2000].decode("utf-8", "replace")
    try:
        payload = orjson.loads(fetched.body[:2000])
    except orjson.JSONDecodeError:
        payload = None
    if isinstance(payload, dict):
        for key in ("msg", "errmsg", "detail", "message", "error"):
            if isinstance(payload.get(key), str):
                text = payload[key]
                break
    shown = " ".join(client.scrub(text).split())[:SHOWN_UPSTREAM_CHARS]
    return shown or "no detail"


def error_code(fetched: Fetched) -> int | None:
    """Binance's numeric ``code`` of an error answer (-1121: invalid symbol), if any."""
    try:
        payload = orjson.loads(fetched.body[:2000])
    except orjson.JSONDecodeError:
        return None
    code = payload.get("code") if isinstance(payload, dict) else None
    return code if isinstance(code, int) and not isinstance(code, bool) else None
