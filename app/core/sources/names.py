"""One namespace over every source: ``PYTH:Crypto.BTC/USD``, ``BINANCE:BTCUSDT``, ``FILES:GOOG``,
``API:EURUSD``, ``BYBIT:BTC/USDT`` (one CCXT exchange), as TradingView writes an exchange.

A prefix is case-insensitive. A symbol whose prefix names no source (``NYSE:IBM`` on a broker's
API) is a bare symbol, whole, for the default source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# frame.attrs key: the symbol a source really served (``Crypto.BTC/USD`` for ``BTC/USD``).
SERVED_SYMBOL_ATTR = "served_symbol"
_PREFIXED = re.compile(r"^([A-Za-z][A-Za-z0-9_]{0,29}):(.+)$", re.DOTALL)


@dataclass(frozen=True)
class SymbolName:
    """A symbol as asked: its prefix (lower-cased) when it has one, and the rest."""

    prefix: str | None
    symbol: str


def split_prefix(text: str) -> SymbolName:
    """``"PYTH:Crypto.BTC/USD"`` -> ``SymbolName("pyth", "Crypto.BTC/USD")``.

    >>> split_prefix(" bybit:BTC/USDT ")
    SymbolName(prefix='bybit', symbol='BTC/USDT')
    >>> split_prefix("sample_ohlcv")
    SymbolName(prefix=None, symbol='sample_ohlcv')
    """
    text = str(text).strip()
    match = _PREFIXED.match(text)
    if match is None or not match.group(2).strip():
        return SymbolName(None, text)
    return SymbolName(match.group(1).lower(), match.group(2).strip())


def qualified(prefix: str, symbol: str) -> str:
    """The symbol with its source written before it, as a client sends it back.

    >>> qualified("pyth", "Crypto.BTC/USD")
    'PYTH:Crypto.BTC/USD'
    """
    return f"{prefix.upper()}:{symbol}"
