"""Watchlist quotes over ``WS /ws``: ``{"type": "quotes", "id", "symbols": [...], "timeframe"}``.

The answer is one frame ``{"type": "quotes", "id", "timeframe", "snapshot": true, "quotes":
[...]}`` with every symbol's quote in the order asked (``/api/quotes``'s records; an unknown
symbol with its ``error``), then ``{"type": "quotes", "id", "timeframe", "snapshot": false,
"quotes": [...]}`` with the quotes of the symbols whose bars changed, as they change. Each
symbol is followed once per process (``SymbolQuotes``, a ``StreamTap`` on its native bars),
however many watchlists hold it; a client's changes within one turn of the loop go in one frame.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any

import orjson

from app.core.errors import ParameterError, SuperChartError
from app.core.quotes import parse_symbol_list, quote_from_arrays
from app.core.timeframes import Timeframe, parse_timeframe
from app.live.extra_requests import register_request
from app.live.hub import LiveMessage
from app.live.taps import StreamTap

if TYPE_CHECKING:
    from app.live.connection import LiveClient
    from app.live.service import LiveService

DEFAULT_ID = "quotes"


class SymbolQuotes:
    """One symbol followed for every watchlist that holds it."""

    def __init__(self, hub: QuoteHub, key: str) -> None:
        self.hub = hub
        self.key = key
        self.tap: StreamTap | None = None
        self.refs = 0
        self.watches: set[QuoteWatch] = set()

    def quote(self, symbol: str, timeframe: Timeframe) -> dict[str, object]:
        assert self.tap is not None
        book = self.tap.channel.producer.feed.book  # native bars: any timeframe's bins
        return quote_from_arrays(
            symbol, book.times[: book.n], book.columns["close"][: book.n], timeframe
        )

    def changed(self, _tap: StreamTap, _reset: bool, _message: LiveMessage | None) -> None:
        for watch in list(self.watches):
            watch.changed(self)


class QuoteHub:
    """The process's followed symbols, reference-counted."""

    def __init__(self, service: LiveService) -> None:
        self.service = service
        self.symbols: dict[str, SymbolQuotes] = {}
        self._opening: dict[str, asyncio.Future] = {}

    async def acquire(self, symbol: str) -> SymbolQuotes:
        key = symbol.strip().lower()
        entry = self.symbols.get(key)
        if entry is None:
            opening = self._opening.get(key)
            cap = self.service.settings.quotes_max_followed
            if opening is None and len(self.symbols) + len(self._opening) >= cap:
                raise ParameterError(
                    "symbols",
                    f"the server already follows its cap of {cap} watchlist symbols "
                    "(QUOTES_MAX_FOLLOWED).",
                )
            if opening is None:
                opening = asyncio.ensure_future(self._open(key, symbol))
                self._opening[key] = opening
                opening.add_done_callback(lambda _f: self._opening.pop(key, None))
            entry = await asyncio.shield(opening)
        entry.refs += 1
        return entry

    async def _open(self, key: str, symbol: str) -> SymbolQuotes:
        entry = SymbolQuotes(self, key)
        entry.tap = await StreamTap.open(self.service, symbol, None, entry.changed)
        self.symbols[key] = entry
        return entry

    def release(self, entry: SymbolQuotes) -> None:
        entry.refs -= 1
        if entry.refs <= 0 and self.symbols.get(entry.key) is entry:
            del self.symbols[entry.key]
            if entry.tap is not None:
                entry.tap.close()


_HUBS: weakref.WeakKeyDictionary[LiveService, QuoteHub] = weakref.WeakKeyDictionary()


def quote_hub(service: LiveService) -> QuoteHub:
    hub = _HUBS.get(service)
    if hub is None:
        hub = _HUBS[service] = QuoteHub(service)
    return hub


class QuoteWatch:
    """One client's watchlist subscription."""

    def __init__(self, client: LiveClient, request_id: str, timeframe: Timeframe) -> None:
        self.client = client
        self.id = request_id
        self.timeframe = timeframe
        self.names: dict[str, list[str]] = {}  # symbol key -> the spellings asked
        self.entries: list[SymbolQuotes] = []
        self._pending: dict[str, SymbolQuotes] = {}
        self._scheduled = False
        self.stopped = False

    def frame(self, quotes: list[dict[str, object]], snapshot: bool) -> bytes:
        return orjson.dumps(
            {
                "type": "quotes",
                "id": self.id,
                "timeframe": self.timeframe.name,
                "snapshot": snapshot,
                "quotes": quotes,
            }
        )

    def changed(self, entry: SymbolQuotes) -> None:
        self._pending[entry.key] = entry
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._scheduled = False
        pending, self._pending = self._pending, {}
        if self.stopped or not pending:
            return
        quotes = [
            entry.quote(name, self.timeframe)
            for key, entry in pending.items()
            for name in self.names.get(key, ())
        ]
        if quotes:
            self.client.queue_frame(self.frame(quotes, snapshot=False))

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        hub = quote_hub(self.client.service)
        for entry in self.entries:
            entry.watches.discard(self)
            hub.release(entry)
        self.entries.clear()


async def open_quotes(client: LiveClient, frame: dict[str, Any], request_id: str | None) -> None:
    """Start (or replace, by id) a watchlist subscription and send its snapshot frame."""
    from app.live.requests import check_room

    request_id = request_id or DEFAULT_ID
    check_room(client, request_id)
    symbols = parse_symbol_list(frame.get("symbols"), client.settings.quotes_max_symbols)
    raw_tf = frame.get("timeframe", "1d")
    if not isinstance(raw_tf, str):
        raise ParameterError("timeframe", "timeframe must be a string such as 1d.")
    watch = QuoteWatch(client, request_id, parse_timeframe(raw_tf))
    hub = quote_hub(client.service)
    keys = list(dict.fromkeys(s.lower() for s in symbols))
    results = await asyncio.gather(
        *(hub.acquire(next(s for s in symbols if s.lower() == k)) for k in keys),
        return_exceptions=True,
    )
    errors: dict[str, str] = {}
    for key, result in zip(keys, results, strict=True):
        if isinstance(result, SymbolQuotes):
            watch.entries.append(result)
            result.watches.add(watch)
        elif isinstance(result, SuperChartError):
            errors[key] = result.message
        elif isinstance(result, BaseException):
            watch.stop()
            raise result
    for symbol in symbols:
        watch.names.setdefault(symbol.lower(), [])
        if symbol not in watch.names[symbol.lower()]:
            watch.names[symbol.lower()].append(symbol)
    if client.close_code is not None:
        watch.stop()
        return
    old = client.extras.pop(request_id, None)
    if old is not None:
        old.stop()
    client.extras[request_id] = watch
    by_key = {entry.key: entry for entry in watch.entries}
    quotes = []
    for symbol in symbols:
        entry = by_key.get(symbol.lower())
        if entry is None:
            quotes.append({"symbol": symbol, "error": errors.get(symbol.lower(), "unknown")})
        else:
            quotes.append(entry.quote(symbol, watch.timeframe))
    client.queue_frame(watch.frame(quotes, snapshot=True))


register_request("quotes", open_quotes)
