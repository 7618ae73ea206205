"""Which symbols a scheduled run scans (SCAN_SYMBOLS): ``all``, ``top:N`` or a comma list."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from app.core import get_data_source, get_ohlcv
from app.core.errors import ConfigError, SuperChartError

if TYPE_CHECKING:
    from app.config import Settings

logger = logging.getLogger(__name__)

_TOP = re.compile(r"^top:(\d{1,5})$")
MAX_TICKER_PAIRS = 20_000  # an exchange's ticker answer beyond this is cut, not trusted whole


def scan_universe(settings: Settings) -> tuple[list[str], str | None]:
    """The symbols of one run (at most SCAN_MAX_SYMBOLS) and a notice when some were left out.
    Blocking (lists the source; ``top:N`` asks the exchange or reads the files)."""
    spec = settings.scan_symbols.strip()
    cap = settings.scan_max_symbols
    top = _TOP.match(spec.lower())
    if spec.lower() == "all" or not spec:
        symbols = _all_symbols(settings)
    elif top:
        symbols = top_by_quote_volume(settings, int(top.group(1)))
    else:
        symbols = list(dict.fromkeys(s.strip() for s in spec.split(",") if s.strip()))
    if len(symbols) > cap:
        notice = f"{len(symbols):,} symbols: scanned {cap:,} (SCAN_MAX_SYMBOLS), skipped the rest."
        return symbols[:cap], notice
    return symbols, None


def _all_symbols(settings: Settings) -> list[str]:
    source = get_data_source(settings)
    names = getattr(source, "symbol_names", None)
    if callable(names):
        return list(names())
    return [info.symbol for info in source.list_symbols()]


def top_by_quote_volume(settings: Settings, count: int) -> list[str]:
    """An exchange's ``count`` pairs of most quote volume over 24 h (its tickers); for files or
    a broker's API, the symbols of most quote volume (close x volume) over their last
    SCAN_PERIODS bars."""
    source = get_data_source(settings)
    if getattr(source, "name", None) == "exchange":
        return _exchange_top(source, count)
    ranked = []
    for symbol in _all_symbols(settings):
        try:
            frame = get_ohlcv(symbol, limit=settings.scan_periods, settings=settings).frame
        except SuperChartError:
            continue  # unreadable: the run would fail it anyway; it has no volume to rank
        turnover = float(np.nansum(frame["close"].to_numpy() * frame["volume"].to_numpy()))
        ranked.append((-turnover, symbol.lower(), symbol))
    return [symbol for *_, symbol in sorted(ranked)[:count]]


def _exchange_top(source: Any, count: int) -> list[str]:
    name = source.exchanges[0]
    try:
        with source._client_locks[name]:
            tickers = source._client(name).fetch_tickers()
    except Exception as exc:  # CCXT's errors: the run cannot pick its pairs
        raise ConfigError(f"SCAN_SYMBOLS=top:{count}: {name} did not list its tickers") from exc
    if not isinstance(tickers, dict):
        raise ConfigError(f"SCAN_SYMBOLS=top:{count}: {name} sent no tickers")
    volumes = []
    for pair, ticker in list(tickers.items())[:MAX_TICKER_PAIRS]:
        quote = ticker.get("quoteVolume") if isinstance(ticker, dict) else None
        if isinstance(pair, str) and isinstance(quote, int | float) and np.isfinite(quote):
            volumes.append((-float(quote), pair))
    return [pair for _, pair in sorted(volumes)[:count]]
