"""Every source a deployment reads (SOURCES), one namespace over them, and ``feed=`` with its
fallback (FEED_FALLBACK).

A request names a symbol, bare (``BTC/USD``: the ``feed`` asked for, else DATA_SOURCE) or
prefixed (``PYTH:Crypto.BTC/USD``, ``BYBIT:BTC/USDT``: that source alone). ``route`` turns it
into the candidates to ask in order; ``serve`` asks them until one answers and, when none does,
raises one error naming each source tried and what it said. Sources are built on first use,
once per settings object.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from app.core.errors import ParameterError, SuperChartError, shorten
from app.core.sources import DataSource, SymbolInfo
from app.core.sources.fallback_error import combined_error
from app.core.sources.names import qualified, split_prefix
from app.settings.sources import SOURCE_NAMES, source_name

if TYPE_CHECKING:
    from app.config import Settings

logger = logging.getLogger(__name__)
T = TypeVar("T")
REMOTE_LISTINGS = ("binance", "pyth", "udf")  # exchange and oracle listings: cached
MAX_PINNED_EXCHANGES = 32  # CCXT exchanges asked one at a time (BYBIT:...) kept built


@dataclass(frozen=True)
class Candidate:
    """One source to ask, and the symbol as it takes it."""

    name: str  # the registry's name: files, api, ccxt, binance, pyth, udf
    symbol: str
    exchange: str | None = None  # a CCXT exchange asked alone (BYBIT:BTC/USDT)

    @property
    def label(self) -> str:
        return f"ccxt {self.exchange}" if self.exchange else self.name


@dataclass(frozen=True)
class Route:
    asked: str  # the symbol as the request wrote it
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class Listing:
    """Every source's symbols, and the sources that could not list theirs (and why)."""

    symbols: list[SymbolInfo]
    problems: list[str]


class SourceRegistry:
    """The enabled sources of one settings object; thread-safe."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.enabled = settings.enabled_sources
        self.default = settings.default_source
        self.fallback = settings.fallback_sources
        self._sources: dict[str, DataSource] = {}
        self._exchanges: dict[str, DataSource] = {}
        self._listings: dict[str, tuple[float, list[SymbolInfo], dict[str, str]]] = {}
        # a local source's listing as it gave it, and as named here (reused while the same)
        self._derived: dict[str, tuple[list, list[SymbolInfo], dict[str, str], dict]] = {}
        self._lock = threading.RLock()

    # -- sources ----------------------------------------------------------------------------

    def source(self, name: str) -> DataSource:
        """The enabled source ``name``, built on first use (ConfigError if it cannot be)."""
        with self._lock:
            built = self._sources.get(name)
            if built is None:
                built = build_source(name, self.settings)
                self._sources[name] = built
            return built

    def source_of(self, candidate: Candidate) -> DataSource:
        if candidate.exchange is None:
            return self.source(candidate.name)
        with self._lock:
            built = self._exchanges.get(candidate.exchange)
            if built is None:
                from app.core.sources.exchange import ExchangeSource

                alone = self.settings.model_copy(update={"exchanges": (candidate.exchange,)})
                built = ExchangeSource.from_settings(alone)
                if len(self._exchanges) >= MAX_PINNED_EXCHANGES:
                    self._exchanges.pop(next(iter(self._exchanges)))
                self._exchanges[candidate.exchange] = built
            return built

    def shown_symbol(self, candidate: Candidate, served: str) -> str:
        """The name a client sends back to reach the same source: bare for the default source,
        prefixed for any other (``PYTH:Crypto.BTC/USD``, ``BYBIT:BTC/USDT``)."""
        if candidate.exchange is not None:
            return qualified(candidate.exchange, served)
        if candidate.name == self.default:
            return served
        return qualified(candidate.name, served)

    # -- routes -----------------------------------------------------------------------------

    def feed_name(self, feed: str | None) -> str | None:
        """``feed=`` as an enabled source's name, None when not given."""
        if feed is None or not str(feed).strip():
            return None
        name = source_name(str(feed))
        if name not in self.enabled:
            raise ParameterError(
                "feed",
                f"feed={shorten(feed)!r} is not a source of this server; use one of "
                f"{', '.join(self.enabled)} (SOURCES).",
            )
        return name

    def route(self, symbol: str, feed: str | None = None) -> Route:
        """The sources to ask for ``symbol``, in order. Cheap: no source is built here."""
        text = str(symbol).strip()
        wanted = self.feed_name(feed)
        asked = split_prefix(text)
        if asked.prefix is not None:
            pinned = self._pinned(asked.prefix, asked.symbol)
            if pinned is not None:
                if wanted is not None and wanted != pinned.name:
                    raise ParameterError(
                        "feed",
                        f"{shorten(text)!r} names its source ({asked.prefix}) and feed={wanted} "
                        "asks another; drop the prefix or the feed.",
                    )
                return Route(text, (pinned,))
        first = wanted or self.default
        chain = [first]
        if first in self.fallback:
            chain += [name for name in self.fallback if name != first]
        return Route(text, tuple(Candidate(name, text) for name in chain))

    def _pinned(self, prefix: str, symbol: str) -> Candidate | None:
        """The candidate a prefix names: an enabled source, or one CCXT exchange; None when the
        prefix is no source's (then it is part of a bare symbol)."""
        name = source_name(prefix)
        if name in self.enabled:
            return Candidate(name, symbol)
        if "ccxt" in self.enabled and _is_ccxt_exchange(prefix):
            return Candidate("ccxt", symbol, exchange=prefix)
        if name in SOURCE_NAMES:
            raise ParameterError(
                "symbol",
                f"{prefix.upper()}: names the {name} source, which this server does not read; "
                f"its sources are {', '.join(self.enabled)} (SOURCES).",
            )
        return None

    def serve(
        self, route: Route, attempt: Callable[[Candidate, DataSource], T]
    ) -> tuple[T, Candidate, tuple[str, ...]]:
        """``attempt`` on each candidate until one answers (with the sources that did not
        before it, and why); with one candidate its own error, else one error naming every
        source tried and what it said."""
        if len(route.candidates) == 1:
            only = route.candidates[0]
            return attempt(only, self.source_of(only)), only, ()
        failures: list[tuple[str, SuperChartError]] = []
        for candidate in route.candidates:
            try:
                answer = attempt(candidate, self.source_of(candidate))
            except SuperChartError as exc:
                logger.info("Source %s for %r: %s", candidate.label, route.asked, exc.message)
                failures.append((candidate.label, exc))
                continue
            skipped = tuple(
                f"{label} could not answer ({shorten(exc.message, 200).rstrip('.')}); "
                f"served by {candidate.label}."
                for label, exc in failures
            )
            return answer, candidate, skipped
        raise combined_error(route.asked, failures)

    # -- listings ---------------------------------------------------------------------------

    def list_symbols(self, names: tuple[str, ...] | None = None) -> Listing:
        """The symbols of ``names`` (every enabled source by default), each with its source and
        the name that reaches it; a source that cannot list is named in ``problems``."""
        symbols: list[SymbolInfo] = []
        problems: list[str] = []
        for name in names or self.enabled:
            try:
                symbols.extend(self._listing(name)[0])
            except SuperChartError as exc:
                if _alone_or_default(name, names, self.default):
                    raise
                problems.append(f"{name}: {exc.message}")
        return Listing(symbols, problems)

    def search(
        self, query: str, names: tuple[str, ...] | None = None, limit: int | None = None
    ) -> Listing:
        """Symbols whose name holds ``query`` (any case): exact names first, then those that
        start with it, then the rest, each group in listing order."""
        wanted = query.strip().lower()
        exact: list[SymbolInfo] = []
        starts: list[SymbolInfo] = []
        inside: list[SymbolInfo] = []
        problems: list[str] = []
        for name in names or self.enabled:
            try:
                infos, lowered = self._listing(name)
            except SuperChartError as exc:
                if _alone_or_default(name, names, self.default):
                    raise
                problems.append(f"{name}: {exc.message}")
                continue
            for info in infos:
                text = lowered[info.symbol]
                if wanted not in text:
                    continue
                bare = text.split(":", 1)[1] if info.source != self.default else text
                if wanted in (text, bare):
                    exact.append(info)
                elif text.startswith(wanted) or bare.startswith(wanted):
                    starts.append(info)
                else:
                    inside.append(info)
        found = exact + starts + inside
        return Listing(found[:limit] if limit else found, problems)

    def _listing(self, name: str) -> tuple[list[SymbolInfo], dict[str, str]]:
        """A source's symbols named as clients reach them, and each one lower-cased (for
        search). Remote listings are kept SYMBOLS_CACHE_S seconds; files list themselves."""
        now = time.monotonic()
        remote = name in REMOTE_LISTINGS
        if remote:
            with self._lock:
                kept = self._listings.get(name)
            if kept is not None and kept[0] > now:
                return kept[1], kept[2]
        raw = self.source(name).list_symbols()
        with self._lock:
            derived = self._derived.get(name)
        if derived is not None and derived[0] is raw:  # the same list again (files keep theirs)
            return derived[1], derived[2]
        # A symbol whose info is the very object of the last listing is named as it was then
        # (a local source hands back unchanged infos: 5,000 files re-listed cost no copies).
        before = derived[3] if derived is not None else {}
        candidate = Candidate(name, "")
        infos, by_id = [], {}
        for info in raw:
            known = before.get(id(info))
            if known is not None and known[0] is info:
                named = known[1]
            else:
                shown = self.shown_symbol(candidate, info.symbol)
                named = replace(info, symbol=shown, source=name)
            by_id[id(info)] = (info, named)
            infos.append(named)
        lowered = {info.symbol: info.symbol.lower() for info in infos}
        if remote and self.settings.symbols_cache_s > 0:
            with self._lock:
                self._listings[name] = (now + self.settings.symbols_cache_s, infos, lowered)
        if not remote:
            with self._lock:
                self._derived[name] = (raw, infos, lowered, by_id)
        return infos, lowered


def _alone_or_default(name: str, names: tuple[str, ...] | None, default: str) -> bool:
    """A listing failure is the answer's error when that source was asked alone, or is the
    default one of a listing of all; another source's is a notice beside the others."""
    return len(names) == 1 if names else name == default


def _is_ccxt_exchange(prefix: str) -> bool:
    import ccxt

    return prefix.lower() in ccxt.exchanges


def build_source(name: str, settings: Settings) -> DataSource:
    """The source called ``name`` from the settings (ConfigError when they do not allow it)."""
    if name == "api":
        from app.core.sources.api import ApiSource

        return ApiSource.from_settings(settings)
    if name == "ccxt":
        from app.core.sources.exchange import ExchangeSource

        return ExchangeSource.from_settings(settings)
    if name == "binance":
        from app.core.sources.binance import BinanceSource

        return BinanceSource.from_settings(settings)
    if name in ("pyth", "udf"):
        from app.core.sources.udf import UdfSource

        return UdfSource.from_settings(settings, name)
    from app.core.sources.files import FileSource

    return FileSource(
        settings.data_dir,
        extra_files=(settings.csv_path,),
        max_bars=settings.max_bars,
        follow_symlinks=settings.data_follow_symlinks,
    )
