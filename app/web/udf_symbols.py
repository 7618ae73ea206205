"""The bodies of ``/udf/config``, ``/udf/symbols`` and ``/udf/search``: our symbols as the UDF
protocol (and the Charting Library's ``LibrarySymbolInfo``) spell them.

Symbols come through the source registry, every source in SOURCES: a symbol's ``ticker`` is the
name every route of ours takes (``GOOG``, ``ALPACA/NFLX``, ``PYTH:Crypto.BTC/USD``); its
``exchange`` is a tree's group (``ALPACA``) or the source (``FILES``, ``PYTH``, ``BINANCE``).
``pricescale`` is 10^(the decimals the data is quoted in), as the chart page reads them
(``price_precision``); the session is read from the bars (``data_session``), in UTC.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import pandas as pd

from app.charts.precision import price_precision
from app.core import get_ohlcv
from app.core.sources.configured import get_registry
from app.core.sources.names import split_prefix
from app.core.sources.registry import SourceRegistry
from app.core.symbol_timeframes import symbol_timeframes
from app.core.timeframes import MONTH, TIMEFRAMES, parse_timeframe
from app.core.udf_resolutions import data_session, resolution_of, supported_resolutions

MAX_SEARCH_RESULTS = 100
DEFAULT_SEARCH_RESULTS = 30
SYMBOL_TYPE = {"ccxt": "crypto", "binance": "crypto"}  # files, api, udf: "stock" (they say none)
PYTH_TYPE = {"crypto": "crypto", "fx": "forex", "equity": "stock", "metal": "commodity"}
_DAY = 86_400


@dataclass(frozen=True)
class Listed:
    name: str  # what our routes take (the UDF ticker): bare for DATA_SOURCE, else prefixed
    exchange: str  # a tree's group (ALPACA), else the source (FILES, PYTH, BINANCE, ...)
    description: str
    type: str


def _listed(registry: SourceRegistry, name: str, source: str | None) -> Listed:
    """How the UDF names a symbol reached as ``name`` from ``source``."""
    source = source or registry.default
    exchange, description = source.upper(), name
    kind = SYMBOL_TYPE.get(source, "stock")
    bare = split_prefix(name).symbol if name.upper().startswith(source.upper() + ":") else name
    if source == "pyth":
        kind = PYTH_TYPE.get(bare.split(".", 1)[0].lower(), "crypto")
    elif source == "files":
        entry = registry.source("files").listing().symbols.get(bare.lower())
        if entry is not None and entry.is_tree:
            group = entry.path.rsplit("/", 1)[0] if "/" in entry.path else ""
            exchange = group or exchange
            description = f"{name} ({', '.join(tf.name for tf in entry.timeframes)})"
    return Listed(name, exchange, description, kind)


def listed_symbols() -> list[Listed]:
    """Every source's symbols (SOURCES), as clients reach them."""
    registry = get_registry()
    infos = registry.list_symbols().symbols
    return [_listed(registry, info.symbol, info.source) for info in infos]


def udf_config() -> dict[str, Any]:
    listed = listed_symbols()
    exchanges = sorted({row.exchange for row in listed})
    types = sorted({row.type for row in listed})
    return {
        "supported_resolutions": supported_resolutions(),
        "supports_search": True,
        "supports_group_request": False,
        "supports_marks": False,
        "supports_timescale_marks": True,
        "supports_time": True,
        "exchanges": [{"value": "", "name": "All Exchanges", "desc": ""}]
        + [{"value": name, "name": name, "desc": name} for name in exchanges],
        "symbols_types": [{"name": "All types", "value": ""}]
        + [{"name": kind, "value": kind} for kind in types],
    }


def search_symbols(query: str, kind: str, exchange: str, limit: int) -> list[dict[str, str]]:
    """Names holding ``query`` (any case; exact names, then those that start with it, then the
    rest: the registry's order over every source), of ``kind`` and ``exchange`` when given, at
    most ``limit``."""
    registry = get_registry()
    kind = kind.strip().lower()
    exchange = exchange.strip().lower()
    rows = []
    for info in registry.search(query, None, None).symbols:
        row = _listed(registry, info.symbol, info.source)
        if (kind and row.type != kind) or (exchange and row.exchange.lower() != exchange):
            continue
        rows.append(row)
        if len(rows) >= limit:
            break
    return [
        {
            "symbol": row.name,
            "full_name": f"{row.exchange}:{row.name}",
            "description": row.description,
            "exchange": row.exchange,
            "ticker": row.name,
            "type": row.type,
        }
        for row in rows
    ]


class _InfoCache:
    """Symbol infos while the frame they were read from is the one the source gives."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._entries: OrderedDict[str, tuple[weakref.ref, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, frame: pd.DataFrame) -> dict[str, Any] | None:
        with self._lock:
            entry = self._entries.get(key)
            return entry[1] if entry is not None and entry[0]() is frame else None

    def put(self, key: str, frame: pd.DataFrame, info: dict[str, Any]) -> None:
        with self._lock:
            self._entries[key] = (weakref.ref(frame), info)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


_infos = _InfoCache()


def symbol_info(symbol: str) -> dict[str, Any]:
    """``LibrarySymbolInfo`` of ``symbol``, reached as a request would reach it (its prefix's
    source, else DATA_SOURCE, then FEED_FALLBACK); SymbolNotFoundError if unknown."""
    view = get_ohlcv(symbol, emas=(), limit=1)  # the finest data (a tree's finest file)
    frame = view.source_frame if view.source_frame is not None else view.frame
    key = view.symbol.lower()
    cached = _infos.get(key, frame)
    if cached is not None:
        return cached
    found = symbol_timeframes(view.symbol)
    listed = _listed(get_registry(), found.symbol, view.source)
    reachable = [TIMEFRAMES[name] for name in found.reachable]
    intraday = [tf for tf in reachable if tf.seconds < _DAY]
    daily = [
        tf
        for tf in reachable
        if tf.seconds % _DAY == 0 and tf.seconds % (7 * _DAY) and tf is not MONTH
    ]
    finest = parse_timeframe(found.native[0]) if found.native else view.native_timeframe
    volume = pd.DataFrame({"close": frame["volume"]}) if "volume" in frame else frame
    info = {
        "name": found.symbol,
        "ticker": found.symbol,
        "full_name": f"{listed.exchange}:{found.symbol}",
        "description": listed.description,
        "type": listed.type,
        "session": data_session(frame, finest),
        "exchange": listed.exchange,
        "listed_exchange": listed.exchange,
        "timezone": "Etc/UTC",
        "format": "price",
        "minmov": 1,
        "pricescale": 10 ** price_precision(frame),
        "has_intraday": bool(intraday),
        "has_daily": bool(daily),
        "has_weekly_and_monthly": any(tf.name in ("1w", "1M") for tf in reachable),
        "supported_resolutions": supported_resolutions(found.reachable),
        "intraday_multipliers": [resolution_of(tf) for tf in intraday],
        "daily_multipliers": [resolution_of(tf).removesuffix("D") for tf in daily],
        "weekly_multipliers": ["1"] if any(tf.name == "1w" for tf in reachable) else [],
        "monthly_multipliers": ["1"] if any(tf.name == "1M" for tf in reachable) else [],
        "volume_precision": price_precision(volume),
        "visible_plots_set": "ohlcv",
        "data_status": "endofday" if finest.seconds >= _DAY else "streaming",
    }
    _infos.put(key, frame, info)
    return info
