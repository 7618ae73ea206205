"""Symbols from a broker's REST API (DATA_SOURCE=api).

``GET {DATA_API_BASE}/ohlcv?symbol=&timeframe=&limit=[&start=&end=]`` with
``Authorization: Bearer {DATA_API_KEY}``, through a requests Session whose urllib3 ``Retry`` backs
off on 429 and 5xx (honouring ``Retry-After``, capped) and on refused connections. Answers are
cached for CACHE_TTL seconds. Every failure becomes one of our ``Upstream*`` errors; the key is
never put in a message or a log line (anything built from upstream text is scrubbed of it too).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import numpy as np
import orjson
import pandas as pd
import requests
from pydantic import SecretStr
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from app.core.column_values import numbers_from_text, times_from_pandas
from app.core.columns import resolve_columns
from app.core.errors import (
    DataError,
    ParameterError,
    UpstreamAuthError,
    UpstreamError,
    UpstreamNoEndpointError,
    UpstreamPayloadError,
    UpstreamRateLimitedError,
    UpstreamSymbolNotFoundError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)
from app.core.sources import SymbolInfo
from app.core.split_times import times_from_date_and_time
from app.core.timeframes import Timeframe, parse_timeframe
from app.core.validation import build_canonical

if TYPE_CHECKING:
    from app.config import Settings

logger = logging.getLogger(__name__)

DEFAULT_BARS = 5000
RETRY_STATUSES = (429, 500, 502, 503, 504)
SHORT_NAMES = {"t": "time", "o": "open", "h": "high", "l": "low", "c": "close", "v": "volume"}
ARRAY_ORDER = ("time", "open", "high", "low", "close", "volume")
LIST_KEYS = ("data", "bars", "candles", "results", "ohlcv")
SYMBOL_PATTERN = re.compile(r"^[A-Za-z0-9._:/^=-]{1,40}$")
_CACHE_SIZE = 64


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
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
        self.timeout = timeout
        self.cache_ttl = cache_ttl
        self.bars = bars
        self.default_symbol = default_symbol
        self.default_timeframe = parse_timeframe(default_timeframe)
        self.retries = retries
        self._host = urlsplit(self.base_url).netloc or self.base_url
        self._session = self._make_session(retries, backoff_factor, retry_after_max)
        self._cache: OrderedDict[tuple, tuple[float, pd.DataFrame]] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiSource:
        if not settings.data_api_base:
            from app.core.errors import ConfigError

            raise ConfigError("DATA_API_BASE must be set when DATA_SOURCE=api.")
        return cls(
            settings.data_api_base,
            settings.data_api_key,
            timeout=settings.request_timeout,
            cache_ttl=settings.cache_ttl,
            default_symbol=settings.default_symbol,
            default_timeframe=settings.default_timeframe,
        )

    def _make_session(
        self, retries: int, backoff_factor: float, retry_after_max: float
    ) -> requests.Session:
        retry = Retry(
            total=retries,
            connect=retries,
            read=False,  # a read timeout already waited REQUEST_TIMEOUT: raise it, no retry
            status=retries,
            other=0,
            backoff_factor=backoff_factor,
            backoff_max=5.0,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=True,
            retry_after_max=retry_after_max,
            raise_on_status=False,  # hand us the last response; we map its status ourselves
        )
        session = requests.Session()
        session.trust_env = False  # no proxy or .netrc credentials picked up behind our back
        adapter = HTTPAdapter(max_retries=retry)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers.update({"Accept": "application/json", "User-Agent": "super-chart"})
        if self._key:
            session.headers["Authorization"] = f"Bearer {self._key}"
        return session

    def close(self) -> None:
        self._session.close()

    # -- safety -----------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        """``text`` with the API key (if any) replaced by ``***``."""
        if self._key and self._key in text:
            text = text.replace(self._key, "***")
        return text

    # -- requests ---------------------------------------------------------------------------

    def _get_json(self, path: str, params: Mapping[str, Any], symbol: str | None) -> Any:
        url = f"{self.base_url}/{path}"
        connect_timeout = min(self.timeout, 5.0)
        logger.debug("GET %s %s", self._scrub(url), self._scrub(str(dict(params))))
        try:
            response = self._session.get(
                url, params=params, timeout=(connect_timeout, self.timeout)
            )
        except requests.exceptions.Timeout:
            raise UpstreamTimeoutError(
                f"The data API at {self._host} did not answer within {self.timeout:g} s "
                "(REQUEST_TIMEOUT)."
            ) from None
        except requests.exceptions.ConnectionError as exc:
            reason = getattr(exc.args[0], "reason", None) if exc.args else None
            if isinstance(reason, ReadTimeoutError):
                raise UpstreamTimeoutError(
                    f"The data API at {self._host} did not answer within {self.timeout:g} s "
                    "(REQUEST_TIMEOUT)."
                ) from None
            logger.warning("Data API request failed: %s", self._scrub(type(exc).__name__))
            raise UpstreamUnavailableError(
                f"Could not reach the data API at {self._host} after {self.retries} retries."
            ) from None
        except requests.exceptions.RequestException as exc:
            logger.warning("Data API request failed: %s", self._scrub(type(exc).__name__))
            raise UpstreamUnavailableError(
                f"Could not reach the data API at {self._host} after {self.retries} retries."
            ) from None
        with response:
            status = response.status_code
            if status in (401, 403):
                hint = "check DATA_API_KEY" if self._key else "DATA_API_KEY is not set"
                raise UpstreamAuthError(f"The data API refused our key (HTTP {status}); {hint}.")
            if status == 404:
                if symbol is None:
                    raise UpstreamNoEndpointError(
                        f"The data API has no /{path} endpoint (HTTP 404)."
                    )
                raise UpstreamSymbolNotFoundError(symbol)
            if status == 429:
                wait = response.headers.get("Retry-After")
                after = f"; it asks us to wait {self._scrub(wait)} s" if wait else ""
                raise UpstreamRateLimitedError(
                    f"The data API is still rate-limiting us (HTTP 429) after {self.retries} "
                    f"retries{after}. Try again shortly."
                )
            if status >= 500:
                raise UpstreamUnavailableError(
                    f"The data API at {self._host} is unavailable (HTTP {status}) after "
                    f"{self.retries} retries."
                )
            if status >= 400:
                raise UpstreamError(
                    f"The data API rejected the request (HTTP {status}): "
                    f"{self._scrub(response.text[:200]).strip() or 'no detail'}"
                )
            body = response.content
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            kind = response.headers.get("Content-Type", "unknown type")
            raise UpstreamPayloadError(
                f"The data API answered with something that is not JSON ({self._scrub(kind)}, "
                f"{len(body)} bytes)."
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
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached[0] > now:
                self._cache.move_to_end(key)
                return cached[1]
        payload = self._get_json("ohlcv", params, symbol)
        try:
            frame = frame_from_payload(payload, f"data API answer for {symbol!r}")
        except UpstreamPayloadError as exc:  # messages quote payload values: scrub our key
            raise UpstreamPayloadError(self._scrub(str(exc))) from None
        if self.cache_ttl > 0:
            with self._lock:
                self._cache[key] = (time.monotonic() + self.cache_ttl, frame)
                self._cache.move_to_end(key)
                while len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
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
        items = _payload_list(payload)
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


def _payload_list(payload: Any) -> list | None:
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        for key in LIST_KEYS:
            if isinstance(payload.get(key), list):
                return payload[key]
    return None


def frame_from_payload(payload: Any, label: str) -> pd.DataFrame:
    """An API's JSON (list of objects, list of arrays, or either under a ``data`` key) ->
    canonical frame; UpstreamPayloadError saying what was wrong."""
    items = _payload_list(payload)
    if items is None:
        shape = type(payload).__name__
        if isinstance(payload, dict):
            shape += " with keys " + ", ".join(map(str, list(payload)[:8]))
        raise UpstreamPayloadError(
            f"{label}: expected a JSON list of bars (or one under a 'data' key), got a {shape}."
        )
    if not items:
        raise UpstreamPayloadError(f"{label}: no bars.")
    first = items[0]
    try:
        if isinstance(first, dict):
            if not all(isinstance(item, dict) for item in items):
                raise DataError(f"{label}: bars mix objects and other values.")
            table = pd.DataFrame.from_records(items)
        elif isinstance(first, list | tuple):
            widths = {len(item) if isinstance(item, list | tuple) else -1 for item in items}
            if widths - {5, 6}:
                raise DataError(
                    f"{label}: array bars must be [time, open, high, low, close, volume] (5 or "
                    "6 values each)."
                )
            table = pd.DataFrame(items, columns=list(ARRAY_ORDER[: max(widths)]))
        else:
            raise DataError(
                f"{label}: bars must be objects ({{time, open, high, low, close, volume}} or "
                f"{{t, o, h, l, c, v}}) or arrays [t, o, h, l, c, v], got {type(first).__name__}."
            )
        return _frame_from_table(table, label)
    except DataError as exc:
        raise UpstreamPayloadError(str(exc)) from None


def _frame_from_table(table: pd.DataFrame, label: str) -> pd.DataFrame:
    mapping = resolve_columns([str(c) for c in table.columns], label, aliases=SHORT_NAMES)
    table.columns = [str(c) for c in table.columns]

    def numbers(canonical: str) -> np.ndarray:
        column = table[mapping[canonical]]
        if column.dtype.kind in "iuf":
            return column.to_numpy(dtype=np.float64)
        return numbers_from_text(column.to_numpy(dtype=object), mapping[canonical], label)

    times = None
    if "date" in mapping:  # {date, time} bars: combined when ``time`` holds times of day
        times = times_from_date_and_time(
            table[mapping["date"]], table[mapping["time"]], mapping["date"], mapping["time"], label
        )
    if times is None:
        times = times_from_pandas(table[mapping["time"]], mapping["time"], label)
    return build_canonical(
        times,
        numbers("open"),
        numbers("high"),
        numbers("low"),
        numbers("close"),
        numbers("volume") if "volume" in mapping else None,
        label=label,
        names=mapping,
    )
