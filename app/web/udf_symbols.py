"""The bodies of ``/udf/config``, ``/udf/symbols`` and ``/udf/search``: our symbols as the UDF
protocol (and the Charting Library's ``LibrarySymbolInfo``) spell them.

A symbol's ``ticker`` is the name every route of ours takes (``GOOG``, ``ALPACA/NFLX``); its
``exchange`` is a tree's group (``ALPACA``) or the source (``FILES``). ``pricescale`` is
10^(the decimals the data is quoted in), as the chart page reads them (``app.charts.precision``);
the session is read from the bars (``app.core.udf_resolutions.data_session``), in UTC.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import pandas as pd

from app.charts.precision import price_precision
from app.core import get_data_source, get_ohlcv
from app.core.symbol_timeframes import symbol_timeframes
from app.core.timeframes import MONTH, TIMEFRAMES, parse_timeframe
from app.core.udf_resolutions import data_session, resolution_of, supported_resolutions

MAX_SEARCH_RESULTS = 100
DEFAULT_SEARCH_RESULTS = 30
SOURCE_EXCHANGE = {"csv": "FILES", "api": "API", "exchange": "EXCHANGE"}
SYMBOL_TYPE = {"exchange": "crypto"}  # others: "stock", the neutral type (files say nothing)
_DAY = 86_400


@dataclass(frozen=True)
class Listed:
    name: str  # what our routes take (the UDF ticker)
    exchange: str
    description: str
    type: str


def listed_symbols() -> list[Listed]:
    """Every symbol, cheaply (files: from the listing, no file read)."""
    source = get_data_source()
    kind = SYMBOL_TYPE.get(source.name, "stock")
    fallback = SOURCE_EXCHANGE.get(source.name, source.name.upper())
    listing = getattr(source, "listing", None)
    if callable(listing):
        rows = []
        for entry in listing().unique():
            group = entry.path.rsplit("/", 1)[0] if "/" in entry.path else ""
            kinds = ", ".join(tf.name for tf in entry.timeframes) or "one file"
            description = f"{entry.name} ({kinds})" if entry.is_tree else entry.name
            rows.append(Listed(entry.name, group or fallback, description, kind))
        return sorted(rows, key=lambda row: row.name.lower())
    return [Listed(info.symbol, fallback, info.symbol, kind) for info in source.list_symbols()]


def udf_config() -> dict[str, Any]:
    exchanges = sorted({row.exchange for row in listed_symbols()})
    types = sorted({row.type for row in listed_symbols()})
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
    """Names holding ``query`` (any case; names that start with it first), of ``kind`` and
    ``exchange`` when given, at most ``limit``."""
    wanted = query.strip().lower()
    kind = kind.strip().lower()
    exchange = exchange.strip().lower()
    starts, holds = [], []
    for row in listed_symbols():
        if (kind and row.type != kind) or (exchange and row.exchange.lower() != exchange):
            continue
        name = row.name.lower()
        if name.startswith(wanted):
            starts.append(row)
        elif wanted in name or wanted in row.description.lower():
            holds.append(row)
    return [
        {
            "symbol": row.name,
            "full_name": f"{row.exchange}:{row.name}",
            "description": row.description,
            "exchange": row.exchange,
            "ticker": row.name,
            "type": row.type,
        }
        for row in (starts + holds)[:limit]
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
    """``LibrarySymbolInfo`` of ``symbol`` (SymbolNotFoundError if unknown)."""
    found = symbol_timeframes(symbol)
    view = get_ohlcv(symbol, emas=(), limit=1)  # the finest data (a tree's finest file)
    frame = view.source_frame if view.source_frame is not None else view.frame
    key = found.symbol.lower()
    cached = _infos.get(key, frame)
    if cached is not None:
        return cached
    listed = {row.name: row for row in listed_symbols()}.get(found.symbol)
    source = get_data_source()
    exchange = listed.exchange if listed else SOURCE_EXCHANGE.get(source.name, source.name)
    reachable = [TIMEFRAMES[name] for name in found.reachable]
    intraday = [tf for tf in reachable if tf.seconds < _DAY]
    daily = [
        tf
        for tf in reachable
        if tf.seconds % _DAY == 0 and tf.seconds % (7 * _DAY) and tf is not MONTH
    ]
    weekly_monthly = [tf for tf in reachable if tf.name in ("1w", "1M")]
    finest = parse_timeframe(found.native[0]) if found.native else view.native_timeframe
    volume = pd.DataFrame({"close": frame["volume"]}) if "volume" in frame else frame
    info = {
        "name": found.symbol,
        "ticker": found.symbol,
        "full_name": f"{exchange}:{found.symbol}",
        "description": listed.description if listed else found.symbol,
        "type": listed.type if listed else SYMBOL_TYPE.get(source.name, "stock"),
        "session": data_session(frame, finest),
        "exchange": exchange,
        "listed_exchange": exchange,
        "timezone": "Etc/UTC",
        "format": "price",
        "minmov": 1,
        "pricescale": 10 ** price_precision(frame),
        "has_intraday": bool(intraday),
        "has_daily": bool(daily),
        "has_weekly_and_monthly": bool(weekly_monthly),
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
