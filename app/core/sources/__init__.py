"""Where OHLCV data comes from: files in DATA_DIR, a broker's REST API, CCXT exchanges, Binance
directly, Pyth or any UDF server; several at once through ``registry``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from app.core.timeframes import Timeframe


@dataclass(frozen=True)
class SymbolInfo:
    symbol: str  # as shown to users (file stem, or the API's symbol)
    timeframe: str  # native timeframe name
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    bars: int | None
    timeframes: tuple[str, ...] = ()  # the timeframes it has files for (a folder tree's), if known
    notices: tuple[str, ...] = ()  # what the listing hid or left out about it
    source: str | None = None  # the registry's name of the source listing it (files, pyth, ...)


class DataSource(Protocol):
    name: str  # "csv", "api", "exchange", "binance", "pyth" or "udf"

    def list_symbols(self) -> list[SymbolInfo]: ...

    def load(self, symbol: str, timeframe: Timeframe | None = None) -> pd.DataFrame:
        """Canonical frame for ``symbol``. Files return their native bars whatever ``timeframe``;
        the API is asked for ``timeframe``. SymbolNotFoundError (with close matches) if unknown."""
        ...
