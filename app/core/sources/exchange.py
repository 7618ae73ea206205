"""OHLCV from crypto exchanges through CCXT (DATA_SOURCE=exchange), with an ordered fallback.

``BTC/USDT`` at ``1h`` is asked of each exchange in EXCHANGES (``binance,bybit,okx``) in turn
until one answers; an exchange that is down, slow, rate-limiting us, or that does not list the
symbol or the timeframe, hands over to the next. The history is paged (each exchange's page
size) back from ``end`` (or now) until the bars asked for are there, within one overall deadline
(EXCHANGE_DEADLINE) for the whole fetch, fallbacks included; each HTTP call gets what is left
of it. CCXT's own rate limiter (``enableRateLimit``) spaces the calls to one exchange.

Failures map as the REST source's do (404 unknown everywhere, 503 down or rate-limited, 504 out
of time, 502 anything else), with a message naming every exchange tried and what it said.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from app.core.errors import (
    ParameterError,
    SymbolNotFoundError,
    UpstreamError,
    UpstreamRateLimitedError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    shorten,
)
from app.core.sources import SymbolInfo
from app.core.sources.exchange_candles import epoch_ms, frame_from_candles
from app.core.timeframes import Timeframe, parse_timeframe

if TYPE_CHECKING:
    from app.config import Settings

logger = logging.getLogger(__name__)

DEFAULT_BARS = 1000  # bars fetched when no window is asked for
MAX_BARS = 20_000  # per fetch: tens of pages at most
PAGE_BARS = {"okx": 300, "bybit": 1000, "binance": 1000}  # the exchanges' largest kline pages
DEFAULT_PAGE_BARS = 500
SYMBOL_PATTERN = re.compile(r"^[A-Za-z0-9]{1,20}/[A-Za-z0-9]{1,20}$")  # spot pairs
_CACHE_SIZE = 64


class _Failure(Exception):
    """One exchange's reason for not answering; the error class says how it ranks."""

    def __init__(self, kind: type[Exception], reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


class ExchangeSource:
    """Bars from the first exchange in ``exchanges`` that has them; thread-safe."""

    name = "exchange"

    def __init__(
        self,
        exchanges: Sequence[str] = ("binance", "bybit", "okx"),
        *,
        symbols: Sequence[str] = ("BTC/USDT", "ETH/USDT"),
        deadline: float = 20.0,
        request_timeout: float = 10.0,
        cache_ttl: float = 60.0,
        bars: int = DEFAULT_BARS,
        default_timeframe: str = "1h",
        api_urls: dict[str, str] | None = None,
    ) -> None:
        import ccxt

        unknown = [name for name in exchanges if name not in ccxt.exchanges]
        if unknown:
            from app.core.errors import ConfigError

            raise ConfigError(f"EXCHANGES: CCXT has no exchange named {', '.join(unknown)}.")
        self.exchanges = tuple(exchanges)
        self.symbols = tuple(symbols)
        self.deadline = deadline
        self.request_timeout = request_timeout
        self.cache_ttl = cache_ttl
        self.bars = bars
        self.default_timeframe = parse_timeframe(default_timeframe)
        self.api_urls = dict(api_urls or {})
        self._clients: dict[str, Any] = {}
        self._client_locks = {name: threading.Lock() for name in self.exchanges}
        self._cache: OrderedDict[tuple, tuple[float, pd.DataFrame]] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> ExchangeSource:
        return cls(
            settings.exchanges,
            symbols=settings.exchange_symbols,
            deadline=settings.exchange_deadline,
            request_timeout=settings.request_timeout,
            cache_ttl=settings.cache_ttl,
            default_timeframe=settings.default_timeframe,
            api_urls=settings.exchange_api_urls,
        )

    # -- DataSource -------------------------------------------------------------------------

    def list_symbols(self) -> list[SymbolInfo]:
        return [SymbolInfo(s, self.default_timeframe.name, None, None, None) for s in self.symbols]

    def display_name(self, symbol: str) -> str:
        return str(symbol).strip().upper()

    def current_frame(self, symbol: str) -> pd.DataFrame | None:
        return None  # no cheap "unchanged" check: answers are built from the cached frame

    def load(
        self,
        symbol: str,
        timeframe: Timeframe | None = None,
        *,
        limit: int | None = None,
        start: pd.Timestamp | None = None,
        end: pd.Timestamp | None = None,
    ) -> pd.DataFrame:
        """The last ``limit`` bars up to ``end`` (now when None), or with only ``start`` the
        first ``limit`` from it, from the first exchange that has them; cached CACHE_TTL s."""
        pair = self.display_name(symbol)
        if not SYMBOL_PATTERN.match(pair):
            raise ParameterError(
                "symbol",
                f"Symbol {shorten(symbol)!r} is not an exchange pair; use BASE/QUOTE such as "
                "BTC/USDT.",
            )
        tf = timeframe or self.default_timeframe
        bars = limit or self.bars
        if bars > MAX_BARS:
            raise ParameterError(
                "limit",
                f"{bars:,} bars is over the exchange feed's {MAX_BARS:,}-bar cap per request; "
                "ask for fewer or page back with end=.",
            )
        key = (pair, tf.name, bars, epoch_ms(start), epoch_ms(end))
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached[0] > now:
                self._cache.move_to_end(key)
                return cached[1]
        frame = self._fetch_with_fallback(pair, tf, bars, epoch_ms(start), epoch_ms(end))
        if self.cache_ttl > 0:
            with self._lock:
                self._cache[key] = (time.monotonic() + self.cache_ttl, frame)
                while len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
        return frame

    # -- fallback ---------------------------------------------------------------------------

    def _fetch_with_fallback(
        self, pair: str, tf: Timeframe, bars: int, start_ms: int | None, end_ms: int | None
    ) -> pd.DataFrame:
        give_up = time.monotonic() + self.deadline
        failures: list[tuple[str, _Failure]] = []
        for name in self.exchanges:
            if time.monotonic() >= give_up:
                failures.append((name, _Failure(UpstreamTimeoutError, "not tried: no time left")))
                continue
            try:
                rows = self._fetch(name, pair, tf, bars, start_ms, end_ms, give_up)
            except _Failure as failure:
                logger.info("Exchange %s: %s", name, failure.reason)
                failures.append((name, failure))
                continue
            return frame_from_candles(rows, f"{name} {pair} {tf.name}")
        raise _combined_error(pair, tf, failures, self.deadline)

    def _fetch(
        self,
        name: str,
        pair: str,
        tf: Timeframe,
        bars: int,
        start_ms: int | None,
        end_ms: int | None,
        give_up: float,
    ) -> list[list]:
        import ccxt

        with self._client_locks[name]:  # one CCXT client per exchange, used by one thread
            try:
                client = self._client(name)
                _set_timeout(client, give_up, self.request_timeout)
                client.load_markets()
                if pair not in client.markets:
                    raise _Failure(SymbolNotFoundError, f"does not list {pair}")
                if tf.name not in (client.timeframes or {}):
                    raise _Failure(ParameterError, f"has no {tf.name} candles")
                return self._pages(client, name, pair, tf, bars, start_ms, end_ms, give_up)
            except _Failure:
                raise
            except ccxt.BadSymbol:
                raise _Failure(SymbolNotFoundError, f"does not list {pair}") from None
            except ccxt.RequestTimeout:
                raise _Failure(UpstreamTimeoutError, "timed out") from None
            except (ccxt.RateLimitExceeded, ccxt.DDoSProtection):
                raise _Failure(UpstreamRateLimitedError, "is rate-limiting us") from None
            except ccxt.OperationFailed as exc:  # down, maintenance, refused connection, 5xx
                status = _http_status(exc)
                raise _Failure(UpstreamUnavailableError, f"is unavailable{status}") from None
            except ccxt.BaseError as exc:
                status = _http_status(exc)
                if status.startswith(" (HTTP 5"):
                    raise _Failure(UpstreamUnavailableError, f"is unavailable{status}") from None
                logger.info("Exchange %s: %s", name, str(exc)[:300])
                raise _Failure(
                    UpstreamError, f"refused the request ({type(exc).__name__}{status})"
                ) from None

    def _pages(
        self,
        client: Any,
        name: str,
        pair: str,
        tf: Timeframe,
        bars: int,
        start_ms: int | None,
        end_ms: int | None,
        give_up: float,
    ) -> list[list]:
        """Pages forward from the first bar wanted until ``bars`` bars, the end, or no more."""
        step = tf.seconds * 1000
        page = PAGE_BARS.get(name, DEFAULT_PAGE_BARS)
        if start_ms is None:
            last = end_ms if end_ms is not None else client.milliseconds()
            since = last - bars * step
        else:
            since, last = start_ms, end_ms
        rows: dict[int, list] = {}
        for _ in range(math.ceil(bars / page) + 2):
            if time.monotonic() >= give_up:
                raise _Failure(UpstreamTimeoutError, "ran out of time while paging")
            _set_timeout(client, give_up, self.request_timeout)
            batch = client.fetch_ohlcv(pair, tf.name, since=since, limit=page)
            fresh = [row for row in batch or [] if row and row[0] is not None and row[0] >= since]
            for row in fresh:
                if last is None or row[0] <= last:
                    rows[int(row[0])] = row
            if not fresh:
                break
            newest = max(int(row[0]) for row in fresh)
            if (last is not None and newest >= last) or len(rows) >= bars:
                break
            since = newest + step
        if not rows:
            raise _Failure(SymbolNotFoundError, f"has no {tf.name} bars of {pair} in that window")
        ordered = [rows[t] for t in sorted(rows)]
        return ordered[:bars] if start_ms is not None else ordered[-bars:]

    def _client(self, name: str) -> Any:
        client = self._clients.get(name)
        if client is None:
            import ccxt

            client = getattr(ccxt, name)(
                {
                    "enableRateLimit": True,
                    "options": {"fetchMarkets": {"types": ["spot"]}, "fetchCurrencies": False},
                }
            )
            base = self.api_urls.get(name)
            if base:
                client.urls["api"] = _rebased(client.urls["api"], base.rstrip("/"))
            self._clients[name] = client
        return client


def _set_timeout(client: Any, give_up: float, request_timeout: float) -> None:
    """Each call waits at most what is left of the fetch's deadline (CCXT counts in ms)."""
    left = give_up - time.monotonic()
    client.timeout = max(100, int(min(request_timeout, left) * 1000))


def _rebased(urls: Any, base: str) -> Any:
    """Every URL in ``urls`` (a string or nested dict) with its scheme and host replaced."""
    if isinstance(urls, str):
        return re.sub(r"^https?://[^/]+", base, urls)
    if isinstance(urls, dict):
        return {key: _rebased(value, base) for key, value in urls.items()}
    return urls


def _http_status(exc: Exception) -> str:
    match = re.search(r"\b([45]\d\d)\b", str(exc)[:200])
    return f" (HTTP {match.group(1)})" if match else ""


RANK = (
    UpstreamTimeoutError,
    UpstreamRateLimitedError,
    UpstreamUnavailableError,
    UpstreamError,
    ParameterError,
    SymbolNotFoundError,
)


def _combined_error(
    pair: str, tf: Timeframe, failures: list[tuple[str, _Failure]], deadline: float
) -> Exception:
    """One error for the whole chain, of the kind that says most about what to do: unknown
    everywhere is a 404; otherwise the failure of the last exchange that did answer something."""
    tried = "; ".join(f"{name} {failure.reason}" for name, failure in failures)
    kinds = [failure.kind for _, failure in failures]
    if all(kind is SymbolNotFoundError for kind in kinds):
        return SymbolNotFoundError(pair, message=f"No exchange lists {pair} (tried: {tried}).")
    if all(kind in (SymbolNotFoundError, ParameterError) for kind in kinds):
        return ParameterError(
            "timeframe", f"No exchange has {tf.name} candles of {pair} (tried: {tried})."
        )
    message = f"No exchange answered for {pair} {tf.name} (tried: {tried})."
    if UpstreamTimeoutError in kinds:
        message += f" EXCHANGE_DEADLINE is {deadline:g} s for the whole fetch."
    for kind in RANK:
        if kind in kinds and issubclass(kind, UpstreamError):
            return kind(message)
    return UpstreamError(message)
