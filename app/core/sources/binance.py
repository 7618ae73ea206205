"""Binance's public spot REST API directly, no CCXT (SOURCES=binance; ``BINANCE:BTCUSDT``).

``GET {BINANCE_URL}/api/v3/klines?symbol&interval&startTime&endTime&limit`` paged 1,000 bars at
a time, within one overall deadline (EXCHANGE_DEADLINE) for the whole fetch; each call gets
what is left of it, capped at REQUEST_TIMEOUT, and its answer at UPSTREAM_MAX_MB. The symbol
list is ``/api/v3/exchangeInfo``'s trading pairs. Failures map as the other sources' do (404
unknown symbol, 422 no such interval, 503 down or rate-limited, 504 out of time, 502 anything
else). ``BTC/USD`` is asked as ``BTCUSD``, then ``BTCUSDT`` with a notice when only that exists.
"""

from __future__ import annotations

import logging
import math
import re
import time
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from app.core.errors import (
    ParameterError,
    SymbolNotFoundError,
    UpstreamPayloadError,
    UpstreamTimeoutError,
    shorten,
)
from app.core.frame import NOTICES_ATTR
from app.core.sources import SymbolInfo
from app.core.sources.bar_cap import capped_bars, client_limits, public_client
from app.core.sources.exchange_candles import epoch_ms, frame_from_candles
from app.core.sources.frame_cache import FrameCache
from app.core.sources.names import SERVED_SYMBOL_ATTR
from app.core.sources.quote_swap import other_quote, split_pair, swap_notice
from app.core.sources.upstream_answers import error_code, json_answer, upstream_text
from app.core.timeframes import Timeframe, parse_timeframe

if TYPE_CHECKING:
    from app.config import Settings

logger = logging.getLogger(__name__)

PAGE_BARS = 1000  # Binance's largest klines page
DEFAULT_BARS = 1000
MAX_BARS = 20_000  # per fetch, as the CCXT source
INTERVALS = ("1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d")
INTERVALS += ("1w", "1M")
SYMBOL_PATTERN = re.compile(r"^[A-Z0-9]{2,30}$")
INVALID_SYMBOL = -1121  # Binance's error code for a symbol it does not list
INVALID_INTERVAL = -1120


class _NotListed(SymbolNotFoundError):
    """Binance's -1121: it does not list the symbol (another quote may be listed)."""


class BinanceSource:
    """Klines from Binance's REST API; thread-safe."""

    name = "binance"

    def __init__(
        self,
        base_url: str = "https://api.binance.com",
        *,
        timeout: float = 10.0,
        deadline: float = 20.0,
        cache_ttl: float = 60.0,
        bars: int = DEFAULT_BARS,
        default_timeframe: str = "1h",
        max_bytes: int = 50 * 1024 * 1024,
        max_concurrent: int = 8,
    ) -> None:
        self._client = public_client(
            base_url, "Binance", timeout=timeout, max_bytes=max_bytes, max_concurrent=max_concurrent
        )
        self.deadline = deadline
        self.cache_ttl = cache_ttl
        self.bars = bars
        self.default_timeframe = parse_timeframe(default_timeframe)
        scope = f"binance|{self._client.base_url}" if cache_ttl > 0 else None
        self._cache = FrameCache(scope=scope)

    @classmethod
    def from_settings(cls, settings: Settings) -> BinanceSource:
        return cls(
            settings.binance_url,
            deadline=settings.exchange_deadline,
            **client_limits(settings),
        )

    def close(self) -> None:
        self._client.close()

    # -- DataSource -------------------------------------------------------------------------

    def display_name(self, symbol: str) -> str:
        return re.sub(r"[^A-Za-z0-9]", "", str(symbol)).upper()

    def current_frame(self, symbol: str) -> pd.DataFrame | None:
        return None

    def cached_frame(self, symbol: str, timeframe: Timeframe | None) -> pd.DataFrame | None:
        """What ``load(symbol, timeframe)`` would answer from its cache, without I/O (None
        when it would have to ask): a web route checks this on the event loop."""
        tf = timeframe or self.default_timeframe
        key = (self.display_name(symbol), tf.name, self.bars, None, None)
        return self._cache.peek(key)

    def list_symbols(self) -> list[SymbolInfo]:
        """The pairs ``exchangeInfo`` lists as trading."""
        payload = json_answer(self._client.get("api/v3/exchangeInfo", {}), self._client)
        rows = payload.get("symbols") if isinstance(payload, dict) else None
        if not isinstance(rows, list):
            raise UpstreamPayloadError("Binance's exchangeInfo has no 'symbols' list.")
        tf = self.default_timeframe.name
        names = [
            row["symbol"]
            for row in rows
            if isinstance(row, dict)
            and isinstance(row.get("symbol"), str)
            and SYMBOL_PATTERN.match(row["symbol"])
            and row.get("status", "TRADING") == "TRADING"
        ]
        return [SymbolInfo(name, tf, None, None, None) for name in names]

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
        first ``limit`` from it; cached CACHE_TTL seconds."""
        pair = self.display_name(symbol)
        if not SYMBOL_PATTERN.match(pair):
            raise ParameterError(
                "symbol",
                f"Symbol {shorten(symbol)!r} is not a Binance symbol; use one such as BTCUSDT "
                "(or BTC/USDT).",
            )
        tf = timeframe or self.default_timeframe
        if tf.name not in INTERVALS:
            raise ParameterError(
                "timeframe", f"Binance has no {tf.name} klines; it has {', '.join(INTERVALS)}."
            )
        bars = capped_bars(limit, self.bars, MAX_BARS, "Binance")
        key = (pair, tf.name, bars, epoch_ms(start), epoch_ms(end))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        frame = self._fetch(str(symbol).strip(), pair, tf, bars, epoch_ms(start), epoch_ms(end))
        self._cache.put(key, frame, self.cache_ttl)
        return frame

    # -- fetching ---------------------------------------------------------------------------

    def _fetch(
        self, asked: str, pair: str, tf: Timeframe, bars: int, start: int | None, end: int | None
    ) -> pd.DataFrame:
        give_up = time.monotonic() + self.deadline
        try:
            rows = self._pages(pair, tf, bars, start, end, give_up)
            served, notices = pair, ()
        except _NotListed:
            parts = split_pair(asked)
            swap = other_quote(*parts) if parts else None
            if parts is None or swap is None:
                raise
            served = parts[0] + swap
            rows = self._pages(served, tf, bars, start, end, give_up)
            notices = (swap_notice("Binance", pair, served),)
        frame = frame_from_candles(rows, f"Binance {served} {tf.name}")
        frame.attrs[SERVED_SYMBOL_ATTR] = served
        frame.attrs[NOTICES_ATTR] = (*frame.attrs.get(NOTICES_ATTR, ()), *notices)
        return frame

    def _pages(
        self,
        pair: str,
        tf: Timeframe,
        bars: int,
        start: int | None,
        end: int | None,
        give_up: float,
    ) -> list[list]:
        """Pages forward from the first bar wanted until ``bars`` bars, the end, or no more."""
        step = tf.seconds * 1000
        if start is None:
            last = end if end is not None else int(time.time() * 1000)
            since = last - bars * step
        else:
            since, last = start, end
        rows: dict[int, list] = {}
        for _ in range(math.ceil(bars / PAGE_BARS) + 2):
            left = give_up - time.monotonic()
            if left <= 0:
                raise UpstreamTimeoutError(
                    f"Binance ran out of time while paging {pair} {tf.name} "
                    f"(EXCHANGE_DEADLINE is {self.deadline:g} s for the whole fetch)."
                )
            params: dict[str, Any] = {
                "symbol": pair,
                "interval": tf.name,
                "startTime": since,
                "limit": PAGE_BARS,
            }
            if last is not None:
                params["endTime"] = last
            batch = self._klines(pair, params, left)
            fresh = [row for row in batch if row[0] >= since and (last is None or row[0] <= last)]
            for row in fresh:
                rows[int(row[0])] = row
            if not fresh:
                break
            newest = max(int(row[0]) for row in fresh)
            if (last is not None and newest >= last) or len(rows) >= bars:
                break
            if len(batch) < PAGE_BARS:  # a short page: nothing newer yet
                break
            since = newest + step
        if not rows:
            raise SymbolNotFoundError(
                pair, message=f"Binance has no {tf.name} bars of {pair} in that window."
            )
        ordered = [rows[t] for t in sorted(rows)]
        return ordered[:bars] if start is not None else ordered[-bars:]

    def _klines(self, pair: str, params: dict[str, Any], left: float) -> list[list]:
        """One klines page, its rows checked: ``[open ms, o, h, l, c, v, ...]``."""
        fetched = self._client.get("api/v3/klines", params, timeout=left)
        if fetched.status == 400:
            code = error_code(fetched)
            if code == INVALID_SYMBOL:
                raise _NotListed(pair, message=f"Binance does not list {pair}.")
            if code == INVALID_INTERVAL:
                raise ParameterError(
                    "timeframe",
                    f"Binance refused the interval: {upstream_text(fetched, self._client)}",
                )
        batch = json_answer(fetched, self._client, pair)
        if not isinstance(batch, list) or len(batch) > PAGE_BARS:
            raise UpstreamPayloadError(
                f"Binance's klines answer for {pair} is not a list of at most {PAGE_BARS} rows."
            )
        rows = []
        for row in batch:
            if not isinstance(row, list) or len(row) < 6:
                raise UpstreamPayloadError(f"Binance's klines for {pair} hold a malformed row.")
            try:
                values = [float(v) for v in row[1:6]]
                opened = int(row[0])
            except (TypeError, ValueError):
                raise UpstreamPayloadError(
                    f"Binance's klines for {pair} hold values that are not numbers."
                ) from None
            if not np.isfinite(values).all():
                raise UpstreamPayloadError(f"Binance's klines for {pair} hold non-finite prices.")
            rows.append([opened, *values])
        return rows
