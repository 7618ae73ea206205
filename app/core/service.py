"""What the front ends call: a symbol (or an uploaded frame) -> the bars and indicators to draw."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from app.config import Settings
from app.core.sources import DataSource, SymbolInfo
from app.core.timeframes import Timeframe


@dataclass(frozen=True)
class OhlcvView:
    symbol: str
    timeframe: Timeframe  # the timeframe of ``frame``
    native_timeframe: Timeframe
    ema_periods: tuple[int, ...]
    frame: pd.DataFrame  # canonical columns + ema_<p> (NaN while warming up), the window asked for
    total_bars: int  # bars at ``timeframe`` over the whole history
    first_index: int  # position of frame's first row in the whole history

    @property
    def has_more_before(self) -> bool:
        return self.first_index > 0


def parse_ema_periods(value: str | Sequence[int] | None, default: Sequence[int]) -> tuple[int, ...]:
    """``"10,21"`` / ``[10, 21]`` -> ``(10, 21)``; None -> default; ``""`` -> none.
    ParameterError naming the allowed range (2..1000) otherwise."""
    raise NotImplementedError


def build_view(
    frame: pd.DataFrame,
    *,
    symbol: str,
    timeframe: str | Timeframe | None = None,
    emas: Sequence[int] = (),
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    limit: int | None = None,
) -> OhlcvView:
    """Resample (if coarser), compute EMAs over the whole history, then cut the window:
    bars with ``start <= time <= end``, and of those the last ``limit``."""
    raise NotImplementedError


def get_data_source(settings: Settings | None = None) -> DataSource:
    """The configured source (DATA_SOURCE), built once per settings object."""
    raise NotImplementedError


def list_symbols(settings: Settings | None = None) -> list[SymbolInfo]:
    raise NotImplementedError


def get_ohlcv(
    symbol: str,
    *,
    timeframe: str | Timeframe | None = None,
    emas: Sequence[int] = (),
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    limit: int | None = None,
    settings: Settings | None = None,
) -> OhlcvView:
    """``build_view`` on the source's data, with the resampled + indicator frame cached per
    (symbol, data version, timeframe, emas) so that paging through a large symbol is cheap."""
    raise NotImplementedError
