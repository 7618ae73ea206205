"""Bars from any TradingView UDF server: Pyth Benchmarks (SOURCES=pyth, PYTH_URL) or another
(SOURCES=udf, UDF_URL). One client, the protocol's words from ``udf_protocol``.

``GET {base}/history?symbol&resolution&from&to&countback`` for the window asked, paged back
(``to`` = the oldest bar held - 1) while the server answers fewer bars than asked, within one
overall deadline (EXCHANGE_DEADLINE); each call gets what is left of it, capped at
REQUEST_TIMEOUT, and its answer at UPSTREAM_MAX_MB. ``no_data`` with ``nextTime`` is asked again
up to that time once. Symbols are the server's own (``Crypto.BTC/USD``); for Pyth a bare pair
``BTC/USD`` means ``Crypto.BTC/USD`` and ``BTC/USDT`` falls back to ``/USD`` with a notice. The
symbol list is ``/search``'s answer to an empty query.
"""

from __future__ import annotations

import logging
import re
import time
from typing import TYPE_CHECKING, Any

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
from app.core.sources.frame_cache import FrameCache
from app.core.sources.names import SERVED_SYMBOL_ATTR
from app.core.sources.quote_swap import other_quote, swap_notice
from app.core.sources.udf_protocol import NoData, read_history, resolution_of
from app.core.sources.upstream_answers import json_answer
from app.core.timeframes import Timeframe, parse_timeframe

if TYPE_CHECKING:
    from app.config import Settings

logger = logging.getLogger(__name__)

DEFAULT_BARS = 1000
MAX_BARS = 20_000  # per fetch, as the exchange sources
MAX_PAGES = 10
MAX_LISTED = 20_000  # symbols kept from /search
SYMBOL_PATTERN = re.compile(r"^[A-Za-z0-9._:/^=&-]{1,60}$")
PYTH_CLASSES = ("Crypto", "Equity", "FX", "Metal", "Rates", "Commodities", "Crypto.Index")
_NOT_FOUND_WORDS = ("unknown symbol", "invalid symbol", "not found", "no such symbol")


class UdfSource:
    """A UDF server's bars; thread-safe."""

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        label: str | None = None,
        timeout: float = 10.0,
        deadline: float = 20.0,
        cache_ttl: float = 60.0,
        bars: int = DEFAULT_BARS,
        default_timeframe: str = "1h",
        max_bytes: int = 50 * 1024 * 1024,
        max_concurrent: int = 8,
    ) -> None:
        self.name = name  # "pyth" or "udf"
        self.label = label or ("Pyth" if name == "pyth" else "the UDF server")
        self._client = public_client(
            base_url,
            self.label,
            timeout=timeout,
            max_bytes=max_bytes,
            max_concurrent=max_concurrent,
        )
        self.deadline = deadline
        self.cache_ttl = cache_ttl
        self.bars = bars
        self.default_timeframe = parse_timeframe(default_timeframe)
        self._cache = FrameCache(scope=f"{name}|{self._client.base_url}" if cache_ttl > 0 else None)

    @classmethod
    def from_settings(cls, settings: Settings, name: str) -> UdfSource:
        return cls(
            name,
            settings.pyth_url if name == "pyth" else str(settings.udf_url),
            deadline=settings.exchange_deadline,
            **client_limits(settings),
        )

    def close(self) -> None:
        self._client.close()

    # -- DataSource -------------------------------------------------------------------------

    def display_name(self, symbol: str) -> str:
        return str(symbol).strip()

    def current_frame(self, symbol: str) -> pd.DataFrame | None:
        return None

    def cached_frame(self, symbol: str, timeframe: Timeframe | None) -> pd.DataFrame | None:
        """What ``load(symbol, timeframe)`` would answer from its cache, without I/O (None
        when it would have to ask): a web route checks this on the event loop."""
        tf = timeframe or self.default_timeframe
        key = (str(symbol).strip(), tf.name, self.bars, None, None)
        return self._cache.peek(key)

    def list_symbols(self) -> list[SymbolInfo]:
        """What ``/search`` answers to an empty query (the server's whole list, as Pyth's)."""
        params = {"query": "", "type": "", "exchange": "", "limit": MAX_LISTED}
        payload = json_answer(self._client.get("search", params), self._client)
        if not isinstance(payload, list):
            raise UpstreamPayloadError(f"{self._who}'s /search answer is not a list.")
        tf = self.default_timeframe.name
        names: dict[str, None] = {}
        for item in payload[:MAX_LISTED]:
            if not isinstance(item, dict):
                continue
            name = item.get("ticker") or item.get("symbol") or item.get("full_name")
            if isinstance(name, str) and SYMBOL_PATTERN.match(name):
                names[name] = None
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
        text = str(symbol).strip()
        if not SYMBOL_PATTERN.match(text):
            raise ParameterError(
                "symbol",
                f"Symbol {shorten(symbol)!r} is not a symbol {self._who} could list; use up to "
                "60 letters, digits or . _ : / - ^ = &.",
            )
        tf = timeframe or self.default_timeframe
        bars = capped_bars(limit, self.bars, MAX_BARS, self.name)
        start_s = None if start is None else int(pd.Timestamp(start).timestamp())
        end_s = None if end is None else int(pd.Timestamp(end).timestamp())
        key = (text, tf.name, bars, start_s, end_s)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        frame = self._fetch(text, tf, bars, start_s, end_s)
        self._cache.put(key, frame, self.cache_ttl)
        return frame

    # -- fetching ---------------------------------------------------------------------------

    @property
    def _who(self) -> str:
        return self.label[:1].upper() + self.label[1:]

    def _names_to_try(self, symbol: str) -> list[tuple[str, tuple[str, ...]]]:
        """The server's names for ``symbol``, in order, each with the notice it needs: for Pyth
        a bare pair is a crypto one (``BTC/USD`` -> ``Crypto.BTC/USD``); ``/USD`` and ``/USDT``
        stand in for each other."""
        first = symbol
        if self.name == "pyth" and "/" in symbol and "." not in symbol:
            first = f"Crypto.{symbol.upper()}"
        names: list[tuple[str, tuple[str, ...]]] = [(first, ())]
        head, slash, quote = first.rpartition("/")
        swap = other_quote(head, quote) if slash else None
        if swap is not None:
            swapped = f"{head}/{swap}"
            names.append((swapped, (swap_notice(self._who, symbol, swapped),)))
        return names

    def _fetch(
        self, symbol: str, tf: Timeframe, bars: int, start: int | None, end: int | None
    ) -> pd.DataFrame:
        give_up = time.monotonic() + self.deadline
        first_error: SymbolNotFoundError | None = None
        for name, notices in self._names_to_try(symbol):
            try:
                frame = self._history(name, tf, bars, start, end, give_up)
            except SymbolNotFoundError as exc:
                first_error = first_error or exc
                continue
            frame.attrs[SERVED_SYMBOL_ATTR] = name
            frame.attrs[NOTICES_ATTR] = (*frame.attrs.get(NOTICES_ATTR, ()), *notices)
            return frame
        assert first_error is not None
        raise first_error

    def _history(
        self,
        name: str,
        tf: Timeframe,
        bars: int,
        start: int | None,
        end: int | None,
        give_up: float,
    ) -> pd.DataFrame:
        """Up to ``bars`` bars, paged back from ``end`` (or forward from ``start``)."""
        step = tf.seconds
        resolution = resolution_of(tf)
        if start is not None and end is None:
            to = min(start + bars * step, int(time.time()) + step)
        else:
            to = end if end is not None else int(time.time())
        frames: list[pd.DataFrame] = []
        held = 0
        retried_next = False
        for _ in range(MAX_PAGES):
            left = give_up - time.monotonic()
            if left <= 0:
                raise UpstreamTimeoutError(
                    f"{self._who} ran out of time while paging {name} {tf.name} "
                    f"(EXCHANGE_DEADLINE is {self.deadline:g} s for the whole fetch)."
                )
            wanted = bars - held
            since = start if start is not None else to - wanted * step
            answer = self._page(name, resolution, since, to, wanted, left)
            if isinstance(answer, NoData):
                if answer.next_time is not None and not frames and not retried_next:
                    retried_next = True
                    if start is None and answer.next_time < to:
                        to = answer.next_time
                        continue
                break
            frames.append(answer)
            held += len(answer)
            oldest = int(answer["time"].iloc[0].timestamp())
            if held >= bars or start is not None or oldest <= since:
                break
            to = oldest - 1
        if not frames:
            raise SymbolNotFoundError(
                name, message=f"{self._who} has no {tf.name} bars of {shorten(name)!r} then."
            )
        frame = frames[0] if len(frames) == 1 else _joined(frames)
        return frame.iloc[:bars] if start is not None else frame.iloc[-bars:]

    def _page(
        self, name: str, resolution: str, since: int, to: int, countback: int, left: float
    ) -> pd.DataFrame | NoData:
        params: dict[str, Any] = {
            "symbol": name,
            "resolution": resolution,
            "from": since,
            "to": to,
            "countback": countback,
        }
        fetched = self._client.get("history", params, timeout=left)
        payload = json_answer(fetched, self._client, name)
        label = f"{self._who}'s {name} {resolution}"
        try:
            return read_history(payload, label, max_bars=MAX_BARS)
        except UpstreamPayloadError as exc:
            if any(words in exc.message.lower() for words in _NOT_FOUND_WORDS):
                raise SymbolNotFoundError(name, message=exc.message) from None
            raise


def _joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Pages fetched newest first, as one frame oldest first without repeated times."""
    joined = pd.concat(frames[::-1], ignore_index=True)
    joined = joined.drop_duplicates("time", keep="last").sort_values("time")
    joined = joined.reset_index(drop=True)
    joined.attrs[NOTICES_ATTR] = tuple(n for f in frames for n in f.attrs.get(NOTICES_ATTR, ()))
    return joined
