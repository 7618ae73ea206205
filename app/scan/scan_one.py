"""One symbol of a scheduled run: its last SCAN_PERIODS bars, their volume spikes."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.core import OhlcvView, TimeframeError, get_ohlcv
from app.core.analysis import DEFAULT_SIGMA, DEFAULT_WINDOW, Spike, find_volume_spikes
from app.core.errors import SuperChartError

if TYPE_CHECKING:
    from app.config import Settings

logger = logging.getLogger(__name__)


@dataclass
class SymbolScan:
    symbol: str
    timeframe: str | None = None
    bars: int = 0
    spikes: list[Spike] = field(default_factory=list)
    error: str | None = None
    view: OhlcvView | None = field(default=None, repr=False)
    files: dict[str, str] = field(default_factory=dict)  # kind -> file name

    @property
    def flagged(self) -> bool:
        return bool(self.spikes)


def scan_one(symbol: str, settings: Settings) -> SymbolScan:
    """Blocking; never raises: an error becomes the row's ``error``. Volume above the mean + 4
    sample std of the 25 bars before, among the last SCAN_PERIODS bars at SCAN_TIMEFRAME (the
    symbol's own when coarser)."""
    periods = settings.scan_periods
    try:
        try:
            view = get_ohlcv(
                symbol, timeframe=settings.scan_timeframe, limit=periods, settings=settings
            )
        except TimeframeError:  # the data is coarser than SCAN_TIMEFRAME: its own bars
            view = get_ohlcv(symbol, limit=periods, settings=settings)
        spikes = find_volume_spikes(view.frame, DEFAULT_WINDOW, DEFAULT_SIGMA)
    except SuperChartError as exc:
        return SymbolScan(symbol, error=exc.message)
    except Exception:
        logger.exception("scheduled scan of %r failed", symbol)
        return SymbolScan(symbol, error="could not be scanned (internal error, logged)")
    return SymbolScan(view.symbol, view.timeframe.name, len(view.frame), spikes, view=view)
