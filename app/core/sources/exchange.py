"""OHLCV from crypto exchanges through CCXT (DATA_SOURCE=exchange), with an ordered fallback.

``BTC/USDT`` at ``1h`` is asked of each exchange in EXCHANGES (``binance,bybit,okx``) in turn
until one answers; an exchange that is down, slow, rate-limiting us, or that does not list the
symbol or the timeframe, hands over to the next. The history is paged (each exchange's page
size) back from ``end`` (or now) until the bars asked for are there, within one overall deadline
(EXCHANGE_DEADLINE) for the whole fetch, fallbacks included: each connect and wait gets what is
left of it and a watchdog shuts the sockets when it runs out. Every answer is read under a byte
cap (UPSTREAM_MAX_MB, as the broker's; a candle page under a smaller one that fits its rows)
before CCXT decodes it (``exchange_http``). CCXT's rate limiter spaces the calls to one exchange.

Answers are checked before use (``exchange_pages``): more candles than asked, a page repeating
candles already received or unusable candles fail that exchange; candles ending well before the
window asked for are kept, with a notice saying how old the newest is.

Failures map as the REST source's do (404 unknown everywhere, 503 down or rate-limited, 504 out
of time, 502 anything else: too large, unusable), with a message naming every exchange tried and
what it said.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from app.core.errors import (
    ParameterError,
    SymbolNotFoundError,
    UpstreamTimeoutError,
    UpstreamTooLargeError,
    shorten,
)
from app.core.sources import SymbolInfo
from app.core.sources.bar_cap import capped_bars
from app.core.sources.exchange_candles import epoch_ms
from app.core.sources.exchange_failures import ExchangeFailure, ccxt_failure, combined_error
from app.core.sources.exchange_http import AnswerTooLarge, AnswerTooSlow, cap_client
from app.core.sources.exchange_pages import Pages, fetch_pages, frame_of_pages
from app.core.sources.frame_cache import FrameCache
from app.core.sources.http_deadline import Deadline
from app.core.sources.names import SERVED_SYMBOL_ATTR
from app.core.sources.quote_swap import other_quote, swap_notice
from app.core.timeframes import Timeframe, parse_timeframe
from app.metrics import UPSTREAM_DURATION, UPSTREAM_ERRORS

if TYPE_CHECKING:
    from app.config import Settings

logger = logging.getLogger(__name__)

DEFAULT_BARS = 1000  # bars fetched when no window is asked for
MAX_BARS = 20_000  # per fetch: tens of pages at most
SYMBOL_PATTERN = re.compile(r"^[A-Za-z0-9]{1,20}/[A-Za-z0-9]{1,20}$")  # spot pairs
UPSTREAM_MAX_BYTES = 50 * 1024 * 1024  # UPSTREAM_MAX_MB's default


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
        max_bytes: int = UPSTREAM_MAX_BYTES,
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
        self.max_bytes = max_bytes  # every answer's cap (UPSTREAM_MAX_MB)
        self._clients: dict[str, Any] = {}
        self._client_locks = {name: threading.Lock() for name in self.exchanges}
        scope = f"exchange|{self.exchanges!r}|{sorted(self.api_urls.items())!r}"
        self._cache = FrameCache(scope=scope if cache_ttl > 0 else None)

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
            max_bytes=settings.upstream_max_bytes,
        )

    # -- DataSource -------------------------------------------------------------------------

    def list_symbols(self) -> list[SymbolInfo]:
        return [SymbolInfo(s, self.default_timeframe.name, None, None, None) for s in self.symbols]

    def display_name(self, symbol: str) -> str:
        return str(symbol).strip().upper()

    def current_frame(self, symbol: str, timeframe: object = None) -> pd.DataFrame | None:
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
        bars = capped_bars(limit, self.bars, MAX_BARS, "exchange")
        key = (pair, tf.name, bars, epoch_ms(start), epoch_ms(end))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        frame = self._fetch_with_fallback(pair, tf, bars, epoch_ms(start), epoch_ms(end))
        self._cache.put(key, frame, self.cache_ttl)
        return frame

    # -- fallback ---------------------------------------------------------------------------

    def _fetch_with_fallback(
        self, pair: str, tf: Timeframe, bars: int, start_ms: int | None, end_ms: int | None
    ) -> pd.DataFrame:
        failures: list[tuple[str, ExchangeFailure]] = []
        with Deadline(self.deadline) as deadline:  # one deadline over every call, all exchanges
            for name in self.exchanges:
                if deadline.remaining() <= 0:
                    failure = ExchangeFailure(UpstreamTimeoutError, "not tried: no time left")
                    failures.append((name, failure))
                    continue
                started = time.monotonic()
                try:
                    pages, listed = self._fetch(name, pair, tf, bars, start_ms, end_ms, deadline)
                    return _served_as(frame_of_pages(pages, f"{name} {listed} {tf.name}"), listed)
                except ExchangeFailure as failure:
                    logger.info("Exchange %s: %s", name, failure.reason)
                    UPSTREAM_ERRORS.labels(name, failure.kind.__name__).inc()
                    failures.append((name, failure))
                finally:
                    UPSTREAM_DURATION.labels(name).observe(time.monotonic() - started)
        raise combined_error(pair, tf, failures, self.deadline)

    def _fetch(
        self,
        name: str,
        pair: str,
        tf: Timeframe,
        bars: int,
        start_ms: int | None,
        end_ms: int | None,
        deadline: Deadline,
    ) -> tuple[Pages, str]:
        """The pages of candles, and the pair they are of: ``pair``, or where the exchange
        lists only the other dollar quote (BTC/USDT for BTC/USD), that one."""
        import ccxt

        with self._client_locks[name]:  # one CCXT client per exchange, used by one thread
            try:
                client = self._client(name)
                _set_timeout(client, deadline, self.request_timeout)
                client.load_markets()
                listed = _listed_pair(client.markets, pair)
                if listed is None:
                    raise ExchangeFailure(
                        SymbolNotFoundError, f"does not list {pair}", unlisted=True
                    )
                if tf.name not in (client.timeframes or {}):
                    raise ExchangeFailure(ParameterError, f"has no {tf.name} candles")
                pages = fetch_pages(
                    client,
                    name,
                    listed,
                    tf,
                    bars,
                    start_ms,
                    end_ms,
                    before_each=lambda: _set_timeout(client, deadline, self.request_timeout),
                )
                if listed != pair:
                    said = " ".join(filter(None, (pages.notice, swap_notice(name, pair, listed))))
                    pages = replace(pages, notice=said)
                return pages, listed
            except ExchangeFailure:
                raise
            except AnswerTooLarge as exc:
                raise ExchangeFailure(
                    UpstreamTooLargeError,
                    f"sent an answer too large to read: {exc.path} {exc.how}, "
                    f"{_cap_text(exc.limit, self.max_bytes)}",
                ) from None
            except AnswerTooSlow:
                raise ExchangeFailure(
                    UpstreamTimeoutError, "was still sending when time ran out"
                ) from None
            except Exception as exc:
                if deadline.expired:  # the watchdog shut the socket, whatever CCXT made of it
                    raise ExchangeFailure(UpstreamTimeoutError, "ran out of time") from None
                if not isinstance(exc, ccxt.BaseError):
                    raise
                raise ccxt_failure(exc, name, pair) from None

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
            cap_client(client, self.max_bytes)
            base = self.api_urls.get(name)
            if base:
                client.urls["api"] = _rebased(client.urls["api"], base.rstrip("/"))
            self._clients[name] = client
        return client


def _listed_pair(markets: Any, pair: str) -> str | None:
    """``pair`` when the exchange lists it, else its other dollar quote when listed."""
    if pair in markets:
        return pair
    base, _, quote = pair.partition("/")
    swap = other_quote(base, quote)
    other = f"{base}/{swap}" if swap else None
    return other if other is not None and other in markets else None


def _served_as(frame: pd.DataFrame, listed: str) -> pd.DataFrame:
    frame.attrs[SERVED_SYMBOL_ATTR] = listed
    return frame


def _set_timeout(client: Any, deadline: Deadline, request_timeout: float) -> None:
    """Each call waits at most what is left of the fetch's deadline (CCXT counts in ms)."""
    if deadline.remaining() <= 0:
        raise ExchangeFailure(UpstreamTimeoutError, "ran out of time while paging")
    client.timeout = max(100, int(min(request_timeout, deadline.remaining()) * 1000))


def _cap_text(limit: int, max_bytes: int) -> str:
    if limit >= max_bytes:
        return f"the cap on every answer (UPSTREAM_MAX_MB is {max_bytes / 1024**2:g})"
    return f"the cap for a page of candles (UPSTREAM_MAX_MB is {max_bytes / 1024**2:g})"


def _rebased(urls: Any, base: str) -> Any:
    """Every URL in ``urls`` (a string or nested dict) with its scheme and host replaced."""
    if isinstance(urls, str):
        return re.sub(r"^https?://[^/]+", base, urls)
    if isinstance(urls, dict):
        return {key: _rebased(value, base) for key, value in urls.items()}
    return urls
