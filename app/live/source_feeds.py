"""Live feeds of symbols another source than DATA_SOURCE's serves (``PYTH:Crypto.BTC/USD``,
``feed=binance``): the history loaded through the source registry as /api/ohlcv loads it, then
the newest bars polled every LIVE_POLL_S from the source that served it, bypassing its answer
cache. A feed is shared by the name it was served under, so every subscriber of a symbol, however
they wrote it, is kept current by one upstream poller."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from app.core.sources.configured import get_registry
from app.core.sources.fetch import SourceBars, load_bars
from app.core.sources.names import split_prefix
from app.core.sources.registry import Route, build_source

if TYPE_CHECKING:
    from app.config import Settings

POLL_BARS = 1000  # bars asked per poll, from the last one held


def source_route(settings: Settings, symbol: str, feed: str | None) -> Route | None:
    """The sources a subscription asks, or None when it is a bare symbol of DATA_SOURCE's
    (followed as before: its files watched, its broker polled)."""
    registry = get_registry(settings)
    route = registry.route(symbol, feed)
    if feed is None and split_prefix(symbol).prefix is None:
        return None
    first = route.candidates[0]
    if first.name == registry.default and first.exchange is None and feed is None:
        return None  # FILES:x on a files deployment is x
    return route


def request_key(route: Route) -> str:
    return "|".join(f"{c.label}:{c.symbol}" for c in route.candidates).lower()


def load_history(settings: Settings, route: Route) -> SourceBars:
    """Blocking: the source's history, as /api/ohlcv would get it."""
    registry = get_registry(settings)
    return load_bars(registry, route, None, warmup=0, start_ns=None, end_ns=None, limit=None)


def poll_fetch(
    settings: Settings, bars: SourceBars
) -> Callable[[pd.Timestamp | None], pd.DataFrame]:
    """A fetch of the newest bars from the source that served ``bars``, without its cache (a
    poll must see the forming bar change within CACHE_TTL)."""
    candidate = bars.candidate
    update: dict[str, object] = {"cache_ttl": 0.0}
    if candidate.exchange is not None:
        update["exchanges"] = (candidate.exchange,)
    source = build_source(candidate.name, settings.model_copy(update=update))
    symbol = bars.served_symbol if candidate.name != "ccxt" else candidate.symbol
    if candidate.name == "files":
        return lambda start: source.load(symbol, None)

    def fetch(start: pd.Timestamp | None) -> pd.DataFrame:
        return source.load(symbol, None, limit=POLL_BARS, start=start)  # type: ignore[call-arg]

    return fetch
