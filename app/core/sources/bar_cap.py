"""The limits the remote sources share: the bars one fetch may ask for, the settings that bound
every client, and the keyless client the public feeds use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.core.errors import ParameterError
from app.core.sources.upstream_http import UpstreamClient

if TYPE_CHECKING:
    from app.config import Settings


def client_limits(settings: Settings) -> dict[str, Any]:
    """The keyword arguments every HTTP source takes from the settings: REQUEST_TIMEOUT,
    CACHE_TTL, DEFAULT_TIMEFRAME, UPSTREAM_MAX_MB and UPSTREAM_MAX_CONCURRENT."""
    return {
        "timeout": settings.request_timeout,
        "cache_ttl": settings.cache_ttl,
        "default_timeframe": settings.default_timeframe,
        "max_bytes": settings.upstream_max_bytes,
        "max_concurrent": settings.upstream_max_concurrent,
    }


def capped_bars(limit: int | None, default: int, max_bars: int, feed: str) -> int:
    """``limit`` (``default`` when None or 0), refused with a 422 naming the cap past
    ``max_bars``; checked before any request is made."""
    bars = limit or default
    if bars > max_bars:
        raise ParameterError(
            "limit",
            f"{bars:,} bars is over the {feed} feed's {max_bars:,}-bar cap per request; "
            "ask for fewer or page back with end=.",
        )
    return bars


def public_client(
    base_url: str, label: str, *, timeout: float, max_bytes: int, max_concurrent: int
) -> UpstreamClient:
    """A keyless client for a public market-data server: two retries with short backoff, at
    most 5 s of Retry-After honoured."""
    return UpstreamClient(
        base_url,
        None,
        timeout=timeout,
        max_bytes=max_bytes,
        max_concurrent=max_concurrent,
        retries=2,
        backoff_factor=0.3,
        retry_after_max=5.0,
        label=label,
    )
