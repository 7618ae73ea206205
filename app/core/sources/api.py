"""Symbols from a broker's REST API (DATA_SOURCE=api).

``GET {DATA_API_BASE}/ohlcv?symbol=&timeframe=&limit=[&start=&end=]`` with
``Authorization: Bearer {DATA_API_KEY}``, through ``UpstreamClient`` (one overall deadline per
fetch, retries included; a byte cap; a bound on concurrent fetches). Answers are cached for
CACHE_TTL seconds. Every failure becomes one of our ``Upstream*`` errors; neither the key nor the
URL's userinfo is ever put in a message or a log line (upstream text is scrubbed of them too).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import orjson
import pandas as pd
from pydantic import SecretStr

from app.core.errors import (
    ParameterError,
    UpstreamAuthError,
    UpstreamError,
    UpstreamNoEndpointError,
    UpstreamPayloadError,
    UpstreamRateLimitedError,
    UpstreamSymbolNotFoundError,
    UpstreamUnavailableError,
)
from app.core.sources import SymbolInfo
from app.core.sources.api_payload import frame_from_payload, payload_list
from app.core.sources.bar_cap import client_limits
from app.core.sources.frame_cache import FrameCache
from app.core.sources.upstream_http import UpstreamClient
from app.core.timeframes import Timeframe, parse_timeframe

if TYPE_CHECKING:
    from app.config import Settings

__all__ = ["ApiSource", "frame_from_payload"]

logger = logging.getLogger(__name__)

DEFAULT_BARS = 5000
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_CONCURRENT = 8
SYMBOL_PATTERN = re.compile(r"^[A-Za-z0-9._:/^=-]{1,40}$")


class ApiSource:
    """OHLCV from the broker's REST API; thread-safe."""

    name = "api"

    def __init__(
        self,
        base_url: str,
        api_key: SecretStr | str | None = None,
        *,
        timeout: float = 10.0,
        cache_ttl: float = 60.0,
        bars: int = DEFAULT_BARS,
        default_symbol: str | None = None,
        default_timeframe: str = "1h",
        retries: int = 3,
        backoff_factor: float = 0.3,
        retry_after_max: float = 10.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_concurrent: int = DEFAULT_MAX_CONCURRENT,
    ) -> None:
        key = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
        self._client = UpstreamClient(
            base_url,
            key,
            timeout=timeout,
            max_bytes=max_bytes,
            max_concurrent=max_concurrent,
            retries=retries,
            backoff_factor=backoff_factor,
            retry_after_max=retry_after_max,
        )
        self.base_url = self._client.base_url  # without userinfo or secret parameters
        self.timeout = timeout
        self.cache_ttl = cache_ttl
        self.bars = bars
        self.default_symbol = default_symbol
        self.default_timeframe = parse_timeframe(default_timeframe)
        self.retries = retries
        self._cache = FrameCache(scope=f"api|{self.base_url}" if cache_ttl > 0 else None)

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiSource:
        if not settings.data_api_base:
            from app.core.errors import ConfigError

            raise ConfigError("DATA_API_BASE must be set when DATA_SOURCE=api.")
        return cls(
            settings.data_api_base,
            settings.data_api_key,
            default_symbol=settings.default_symbol,
            **client_limits(settings),
        )

    def close(self) -> None:
        self._client.close()

    def _scrub(self, text: object) -> str:
        """``text`` without the key, the URL's userinfo or secret parameters."""
        return self._client.scrub(text)

    # -- requests ---------------------------------------------------------------------------

    def _get_json(self, path: str, params: Mapping[str, Any], symbol: str | None) -> Any:
        fetched = self._client.get(path, params)
        status, retries = fetched.status, self._client.retries_text(fetched.retries)
        host = self._client.host
        if status in (401, 403):
            hint = "check DATA_API_KEY" if self._client.has_key else "DATA_API_KEY is not set"
            raise UpstreamAuthError(f"The data API refused our key (HTTP {status}); {hint}.")
        if status == 404:
            if symbol is None:
                raise UpstreamNoEndpointError(f"The data API has no /{path} endpoint (HTTP 404).")
            raise UpstreamSymbolNotFoundError(symbol)
        if status == 429:
            wait = fetched.headers.get("Retry-After")
            after = f"; it asks us to wait {self._scrub(wait)[:20]} s" if wait else ""
            raise UpstreamRateLimitedError(
                f"The data API is still rate-limiting us (HTTP 429) after {retries}{after}. "
                "Try again shortly."
            )
        if status >= 500:
            raise UpstreamUnavailableError(
                f"The data API at {host} is unavailable (HTTP {status}) after {retries}."
            )
        if status >= 400:
            text = fetched.body[:400].decode("utf-8", "replace")
            raise UpstreamError(
                f"The data API rejected the request (HTTP {status}): "
                f"{self._scrub(text)[:200].strip() or 'no detail'}"
            )
        try:
            return orjson.loads(fetched.body)
        except orjson.JSONDecodeError:
            kind = fetched.headers.get("Content-Type", "unknown type")
            raise UpstreamPayloadError(
                f"The data API answered with something that is not JSON "
                f"({self._scrub(kind)[:60]}, {len(fetched.body)} bytes)."
            ) from None

    # -- DataSource -------------------------------------------------------------------------

    def load(
        self,
        symbol: str,
        timeframe: Timeframe | None = None,
        *,
        limit: int | None = None,
        start: pd.Timestamp | None = None,
        end: pd.Timestamp | None = None,
    ) -> pd.DataFrame:
        """Canonical frame of ``symbol`` at ``timeframe`` (DEFAULT_TIMEFRAME if None), cached for
        CACHE_TTL seconds; the same frame object is returned while cached."""
        symbol = str(symbol).strip()
        if not SYMBOL_PATTERN.match(symbol):
            raise ParameterError(
                "symbol",
                f"Symbol {symbol[:40]!r} is not valid; use up to 40 letters, digits "
                "or . _ : / - ^ =.",
            )
        tf = timeframe or self.default_timeframe
        params: dict[str, Any] = {
            "symbol": symbol,
            "timeframe": tf.name,
            "limit": limit or self.bars,
        }
        if start is not None:
            params["start"] = _iso_utc(start)
        if end is not None:
            params["end"] = _iso_utc(end)
        key = tuple(sorted(params.items()))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        payload = self._get_json("ohlcv", params, symbol)
        try:
            frame = frame_from_payload(payload, f"data API answer for {symbol!r}")
        except UpstreamPayloadError as exc:  # messages quote payload values: scrub our key
            raise UpstreamPayloadError(self._scrub(str(exc))) from None
        self._cache.put(key, frame, self.cache_ttl)
        return frame

    def list_symbols(self) -> list[SymbolInfo]:
        """``GET {base}/symbols`` when the API has it (a list of names or of objects with a
        ``symbol``); just DEFAULT_SYMBOL when it has no such endpoint (404) or lists nothing.
        An API that is down, slow, rate-limiting or refusing the key raises: a stand-in list
        would hide the outage."""
        fallback = (
            [SymbolInfo(self.default_symbol, self.default_timeframe.name, None, None, None)]
            if self.default_symbol
            else []
        )
        try:
            payload = self._get_json("symbols", {}, None)
        except UpstreamNoEndpointError as exc:
            logger.info("%s Using DEFAULT_SYMBOL.", exc)
            return fallback
        items = payload_list(payload)
        names = []
        for item in items or []:
            name = item.get("symbol") if isinstance(item, dict) else item
            if isinstance(name, str) and SYMBOL_PATTERN.match(name):
                names.append(name)
        if not names:
            return fallback
        return [SymbolInfo(n, self.default_timeframe.name, None, None, None) for n in names]

    def display_name(self, symbol: str) -> str:
        return str(symbol).strip()


def _iso_utc(value: object) -> str:
    """``2024-01-31T14:00:00Z`` (naive times are UTC)."""
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
