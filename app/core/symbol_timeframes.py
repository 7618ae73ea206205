"""Which timeframes a symbol has of its own and which can be asked for (``/api/timeframes``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.core.sources import DataSource
from app.core.sources.configured import get_registry
from app.core.sources.file_tree import pick_file_timeframe
from app.core.timeframes import TIMEFRAMES, parse_timeframe, timeframes_not_finer_than

if TYPE_CHECKING:
    from app.config import Settings
    from app.core.sources.registry import Candidate


@dataclass(frozen=True)
class SymbolTimeframes:
    symbol: str  # as listed
    native: tuple[str, ...]  # timeframes it has data of its own for (a file each), finest first
    reachable: tuple[str, ...]  # every timeframe it can be shown at, native ones included
    made_from: dict[str, str]  # reachable timeframe -> the native one its bars come from
    source: str  # the data source's name


def symbol_timeframes(symbol: str, settings: Settings | None = None) -> SymbolTimeframes:
    """Files: a tree's timeframe folders, or a flat file's own timeframe (read from the data);
    coarser ones are made from the finest file that divides them. Other sources are asked for
    every timeframe (the upstream answers what it has). The symbol goes where a request's would
    (its prefix's source, else DATA_SOURCE, then FEED_FALLBACK); SymbolNotFoundError if no
    file source knows it and no other source is tried."""
    registry = get_registry(settings)

    def attempt(candidate: Candidate, source: DataSource) -> SymbolTimeframes:
        entry_of = getattr(source, "entry", None)
        if not callable(entry_of):
            shown = registry.shown_symbol(candidate, candidate.symbol)
            return SymbolTimeframes(shown, (), tuple(TIMEFRAMES), {}, candidate.name)
        entry = entry_of(candidate.symbol)
        if entry.is_tree:
            native = entry.timeframes
            made_from = {}
            for name, tf in TIMEFRAMES.items():
                base = pick_file_timeframe(native, tf)
                if base is not None:
                    made_from[name] = base.name
            names = tuple(tf.name for tf in native)
        else:
            names = source.file_timeframes(candidate.symbol)
            own = parse_timeframe(names[0])
            made_from = {name: own.name for name in timeframes_not_finer_than(own)}
        shown = registry.shown_symbol(candidate, entry.name)
        return SymbolTimeframes(shown, names, tuple(made_from), made_from, candidate.name)

    found, _candidate, _skipped = registry.serve(registry.route(symbol), attempt)
    return found
