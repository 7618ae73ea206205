"""The bars a view is built from: the request's window asked of the first source that answers
(``feed=`` and its fallbacks), with what the answer says about where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from app.core.sources import DataSource
from app.core.sources.names import SERVED_SYMBOL_ATTR
from app.core.sources.registry import Candidate, Route, SourceRegistry
from app.core.time_bounds import EARLIEST_NS
from app.core.timeframes import Timeframe

if TYPE_CHECKING:
    from app.config import Settings

# A source that asks its upstream for the window (the others hold the whole history).
REMOTE_SOURCES = ("api", "exchange", "binance", "pyth", "udf")


@dataclass(frozen=True)
class SourceBars:
    frame: pd.DataFrame
    source: DataSource
    candidate: Candidate
    window: tuple  # what the frame depends on besides the symbol and timeframe (remote: window)
    shown_symbol: str  # as a client asks for it again (prefixed when not the default source)
    served_symbol: str  # as the source named it (Crypto.BTC/USD for BTC/USD)
    skipped: tuple[str, ...]  # sources tried before, and what each said


def load_bars(
    registry: SourceRegistry,
    route: Route,
    timeframe: Timeframe | None,
    *,
    warmup: int,
    start_ns: int | None,
    end_ns: int | None,
    limit: int | None,
) -> SourceBars:
    """The frame from the first candidate of ``route`` that answers. A remote source is asked
    for the window only (plus ``warmup`` bars before it, so indicators start warm): with an end,
    the last bars up to it; with only a start, the first bars from a little before it."""

    def attempt(candidate: Candidate, source: DataSource) -> tuple[pd.DataFrame, tuple]:
        if getattr(source, "name", None) not in REMOTE_SOURCES or (
            start_ns is None and end_ns is None
        ):
            return source.load(candidate.symbol, timeframe), ()
        bars = (limit or source.bars) + warmup  # type: ignore[attr-defined]
        if end_ns is not None:
            window: tuple = (None, end_ns, bars)
        else:
            step = (timeframe or source.default_timeframe).seconds  # type: ignore[attr-defined]
            window = (max(start_ns - warmup * step * 1_000_000_000, EARLIEST_NS), None, bars)
        frame = source.load(  # type: ignore[call-arg]
            candidate.symbol,
            timeframe,
            limit=bars,
            start=None if window[0] is None else pd.Timestamp(window[0], tz="UTC"),
            end=None if window[1] is None else pd.Timestamp(window[1], tz="UTC"),
        )
        return frame, window

    (frame, window), candidate, skipped = registry.serve(route, attempt)
    source = registry.source_of(candidate)
    served = frame.attrs.get(SERVED_SYMBOL_ATTR)
    if not isinstance(served, str):
        shown = getattr(source, "display_name", None)
        served = shown(candidate.symbol) if callable(shown) else candidate.symbol
    return SourceBars(
        frame=frame,
        source=source,
        candidate=candidate,
        window=window,
        shown_symbol=registry.shown_symbol(candidate, served),
        served_symbol=served,
        skipped=skipped,
    )


def load_symbol(
    symbol: str,
    feed: str | None = None,
    timeframe: Timeframe | None = None,
    *,
    settings: Settings | None = None,
) -> SourceBars:
    """The whole frame a source holds for ``symbol`` (its prefix's source, else ``feed``, else
    DATA_SOURCE, then FEED_FALLBACK), for callers that take the bars as they are (quotes,
    scans): ``.frame``, ``.candidate.name`` (the source), ``.shown_symbol``, ``.skipped``."""
    from app.core.sources.configured import get_registry

    registry = get_registry(settings)
    return load_bars(
        registry,
        registry.route(symbol, feed),
        timeframe,
        warmup=0,
        start_ns=None,
        end_ns=None,
        limit=None,
    )
