"""Analyse a symbol from the configured source: the window plus the bars indicators need."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from app.core.analysis.analyse import DEFAULT_LOOKBACK, WARMUP_BARS, Analysis, analyse
from app.core.analysis.levels import DEFAULT_LEVELS
from app.core.analysis.spikes import DEFAULT_SIGMA, DEFAULT_WINDOW
from app.core.service import OhlcvView, get_ohlcv
from app.core.time_bounds import parse_time_bound

if TYPE_CHECKING:
    from app.config import Settings


def analysis_limit(lookback: int = DEFAULT_LOOKBACK, spike_window: int = DEFAULT_WINDOW) -> int:
    """Bars to load for an analysis of ``lookback`` bars: those plus their warm-up."""
    return lookback + max(WARMUP_BARS, spike_window)


def analyse_up_to(
    fetch: Callable[..., OhlcvView], timeframe: str | None, end: object = None
) -> Analysis:
    """The one analysis rule every front end uses (the page and the API through
    :func:`analyse_symbol`, Streamlit and Dash for the chart they draw): the last
    ``DEFAULT_LOOKBACK`` bars up to ``end`` (the newest when None), warmed up by the
    bars before them, so the same symbol gives the same numbers everywhere.
    ``fetch(timeframe=, end=, limit=)`` loads the bars (``get_ohlcv`` or ``build_view``
    bound to a symbol or a frame)."""
    return analyse(fetch(timeframe=timeframe, end=end, limit=analysis_limit()))


def analyse_symbol(
    symbol: str | None,
    *,
    timeframe: str | None = None,
    end: object = None,
    lookback: int = DEFAULT_LOOKBACK,
    levels: int = DEFAULT_LEVELS,
    spike_window: int = DEFAULT_WINDOW,
    spike_sigma: float = DEFAULT_SIGMA,
    settings: Settings | None = None,
    feed: str | None = None,
) -> tuple[OhlcvView, Analysis]:
    """The view loaded (``lookback`` bars up to ``end`` or the newest, plus warm-up) and its
    analysis. Blocking; the same call for the API, the report, Streamlit and Dash. ``symbol``
    blank or None is DEFAULT_SYMBOL; errors are the core's (SymbolNotFoundError, ...)."""
    view = load_for_analysis(
        symbol,
        timeframe=timeframe,
        end=end,
        lookback=lookback,
        spike_window=spike_window,
        settings=settings,
        feed=feed,
    )
    result = analyse(
        view, lookback=lookback, levels=levels, spike_window=spike_window, spike_sigma=spike_sigma
    )
    return view, result


def load_for_analysis(
    symbol: str | None,
    *,
    timeframe: str | None = None,
    end: object = None,
    lookback: int = DEFAULT_LOOKBACK,
    spike_window: int = DEFAULT_WINDOW,
    settings: Settings | None = None,
    feed: str | None = None,
) -> OhlcvView:
    """The bars :func:`analyse_symbol` analyses, loaded but not analysed yet (a route first
    looks for the analysis of these very bars in the shared cache)."""
    if settings is None:
        from app.config import get_settings

        settings = get_settings()
    return get_ohlcv(
        (symbol or "").strip() or settings.default_symbol,
        timeframe=timeframe or None,
        end=parse_time_bound(end, "end"),
        limit=analysis_limit(lookback, spike_window),
        settings=settings,
        feed=feed,
    )
