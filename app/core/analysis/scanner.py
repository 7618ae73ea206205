"""The batch scan: every symbol's recent volume spikes and signals, one bad symbol never failing
the rest, the whole bounded by a symbol cap and a time budget."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.core.analysis.analyse import scan_symbol
from app.core.analysis.signals import Signal
from app.core.analysis.spikes import Spike
from app.core.errors import SuperChartError
from app.core.service import OhlcvView
from app.metrics import SCAN_DURATION, SCANNED_SYMBOLS

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScanRow:
    symbol: str
    timeframe: str | None
    volume_spikes: tuple[Spike, ...] = ()
    signals: tuple[Signal, ...] = ()
    error: str | None = None

    def as_json(self) -> dict:
        return {
            "symbol": self.symbol,
            "timeframe": self.timeframe,
            "volume_spikes": [spike.as_json() for spike in self.volume_spikes],
            "signals": [signal.as_json() for signal in self.signals],
            "error": self.error,
        }


def scan_symbols(
    symbols: Sequence[str],
    load: Callable[[str], OhlcvView],
    *,
    within: int,
    budget_seconds: float,
    clock: Callable[[], float] = time.monotonic,
) -> list[ScanRow]:
    """One row per symbol, in order. ``load(symbol)`` gives the bars (``within`` plus warm-up);
    its errors become that row's ``error``. Symbols not reached within ``budget_seconds`` are
    listed with an error saying so, rather than silently left out."""
    started = time.perf_counter()
    deadline = clock() + budget_seconds
    rows: list[ScanRow] = []
    for symbol in symbols:
        if clock() > deadline:
            message = f"not scanned: the scan's {budget_seconds:g} s budget ran out"
            rows.append(ScanRow(symbol, None, error=message))
            continue
        try:
            view = load(symbol)
            spikes, signals = scan_symbol(view, within)
        except SuperChartError as exc:
            rows.append(ScanRow(symbol, None, error=exc.message))
            continue
        except Exception:  # one bad file must not fail the scan; the log has the details
            logger.exception("scan of %r failed", symbol)
            rows.append(
                ScanRow(symbol, None, error="could not be analysed (internal error, logged)")
            )
            continue
        rows.append(ScanRow(symbol, view.timeframe.name, tuple(spikes), tuple(signals)))
    SCAN_DURATION.observe(time.perf_counter() - started)
    failed = sum(1 for row in rows if row.error is not None)
    SCANNED_SYMBOLS.labels("ok").inc(len(rows) - failed)
    SCANNED_SYMBOLS.labels("error").inc(failed)
    return rows
