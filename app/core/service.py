"""What the front ends call: a symbol (or an uploaded frame) -> the bars and indicators to draw."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from app.core.errors import ParameterError, shorten
from app.core.frame import epoch_nanoseconds, frame_notices
from app.core.heikin_ashi import ChartType, heikin_ashi, parse_chart_type
from app.core.indicators import (
    IndicatorSpec,
    check_line_count,
    ema_column,
    indicator_columns,
    parse_ema_periods,
    parse_indicators,
)
from app.core.indicators.compute import ema_line, with_columns
from app.core.sources.configured import get_registry
from app.core.sources.fetch import load_bars
from app.core.time_bounds import window_bound_ns
from app.core.timeframes import (
    Timeframe,
    check_not_finer,
    median_spacing_seconds,
    parse_timeframe,
    resample_ohlcv,
    timeframe_for_spacing,
)

if TYPE_CHECKING:  # app.config imports app.core.errors, so import it lazily here
    from app.config import Settings

VIEW_CACHE_SIZE = 8  # prepared histories (a 1M-bar one with 4 EMAs is ~80 MB)
BARS_CACHE_SIZE = 4  # resampled / Heikin Ashi bars, shared by the histories above


@dataclass(frozen=True)
class OhlcvView:
    symbol: str
    timeframe: Timeframe  # the timeframe of ``frame``
    native_timeframe: Timeframe
    ema_periods: tuple[int, ...]
    # canonical columns + ema_<p> + each indicator's columns (NaN while warming up), the window
    # asked for
    frame: pd.DataFrame
    total_bars: int  # bars at ``timeframe`` over the whole history
    first_index: int  # position of frame's first row in the whole history
    notices: tuple[str, ...] = ()  # what the loader fixed (rows sorted, ...): show to the user
    # The frame the data source (or the caller) gave, as is: it stays the same object while the
    # data is unchanged, so a cache of what was built from this view can key on it.
    source_frame: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    indicators: tuple[IndicatorSpec, ...] = ()  # catalog indicators, columns in ``frame``
    chart: ChartType = "candles"  # "heikin_ashi": prices (and indicators) are Heikin Ashi's
    source: str | None = None  # the source that served the bars (files, ccxt, pyth, ...)

    @property
    def has_more_before(self) -> bool:
        return self.first_index > 0

    @property
    def indicator_columns(self) -> tuple[str, ...]:
        """The frame's indicator columns in request order: EMAs, then each indicator's."""
        names = [ema_column(p) for p in self.ema_periods]
        names += [c for spec in self.indicators for c in spec.columns if c not in names]
        return tuple(names)


def _request(
    emas: Sequence[int] | str | None,
    indicators: Sequence[IndicatorSpec | str] | str | None,
    chart: str | None,
) -> tuple[tuple[int, ...], tuple[IndicatorSpec, ...], ChartType]:
    """The checked lines of a request: the cap on EMAs + indicators comes before any work."""
    periods = parse_ema_periods(emas, ())
    specs = parse_indicators(indicators)
    check_line_count(periods, specs)
    return periods, specs, parse_chart_type(chart)


# -- views --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    """A whole history at one timeframe with its EMAs and indicators, and its times for window
    cuts."""

    timeframe: Timeframe
    native: Timeframe
    frame: pd.DataFrame
    times_ns: np.ndarray
    notices: tuple[str, ...]


def _prepare(
    frame: pd.DataFrame,
    timeframe: str | Timeframe | None,
    emas: tuple[int, ...],
    specs: tuple[IndicatorSpec, ...] = (),
    chart: ChartType = "candles",
) -> _Prepared:
    """The history at ``timeframe`` with its lines. The bars alone (resampled, Heikin Ashi) are
    cached apart, so another set of EMAs or indicators on the same bars skips the resampling."""
    requested = None if timeframe is None else parse_timeframe(timeframe)
    key = (id(frame), requested.name if requested else None, chart)
    base = _bars_cache.get(key, frame)
    if base is None:
        base = _prepare_bars(frame, requested, chart)
        _bars_cache.put(key, frame, base)
    if not emas and not specs:
        return base
    lines = add_lines(base.frame, emas, specs)
    return _Prepared(base.timeframe, base.native, lines, base.times_ns, base.notices)


def _prepare_bars(frame: pd.DataFrame, timeframe: Timeframe | None, chart: ChartType) -> _Prepared:
    source = frame
    spacing = median_spacing_seconds(frame)
    native = timeframe_for_spacing(spacing)
    target = native if timeframe is None else timeframe
    check_not_finer(target, native)
    # Resample when coarser than native, or when the bars are finer than their timeframe
    # (sub-minute data is shown as 1m).
    if target.seconds > native.seconds or spacing < target.seconds * 0.999:
        frame = resample_ohlcv(frame, target, native=native)
    if chart == "heikin_ashi":
        frame = heikin_ashi(frame)
    notices = frame_notices(source)
    return _Prepared(target, native, frame, epoch_nanoseconds(frame["time"]), notices)


def add_lines(
    frame: pd.DataFrame, emas: Sequence[int], specs: Sequence[IndicatorSpec]
) -> pd.DataFrame:
    """``frame`` plus ``ema_<p>`` columns and each spec's columns, in one concat."""
    if not emas and not specs:
        return frame
    close = np.ascontiguousarray(frame["close"].to_numpy(dtype=np.float64))
    columns = {ema_column(p): ema_line(close, p) for p in emas}
    columns.update(indicator_columns(frame, specs))
    return with_columns(frame, columns)


class _ViewCache:
    """A small LRU of prepared histories, valid while the source returns the same frame object
    (files: until the file changes; API: until its TTL expires)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple, tuple[pd.DataFrame, _Prepared]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, source_frame: pd.DataFrame) -> _Prepared | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] is not source_frame:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: tuple, source_frame: pd.DataFrame, prepared: _Prepared) -> None:
        with self._lock:
            self._entries[key] = (source_frame, prepared)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_view_cache = _ViewCache(VIEW_CACHE_SIZE)
# The bars alone, before any line: their columns are shared (not copied) by the prepared
# histories built on them, so this costs little beyond what _view_cache holds.
_bars_cache = _ViewCache(BARS_CACHE_SIZE)


def _cut(
    prepared: _Prepared,
    *,
    symbol: str,
    emas: tuple[int, ...],
    specs: tuple[IndicatorSpec, ...],
    chart: ChartType,
    start: object,
    end: object,
    limit: int | None,
    source_frame: pd.DataFrame,
) -> OhlcvView:
    times = prepared.times_ns
    lo, hi = 0, len(times)
    start_ns = window_bound_ns(start, "start")
    end_ns = window_bound_ns(end, "end")
    if start_ns is not None and end_ns is not None and start_ns > end_ns:
        raise ParameterError("start", "start is after end.")
    if start_ns is not None:
        lo = int(np.searchsorted(times, start_ns, side="left"))
    if end_ns is not None:
        hi = int(np.searchsorted(times, end_ns, side="right"))
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 1:
            message = f"limit must be a whole number of 1 or more, got {shorten(repr(limit))}."
            raise ParameterError("limit", message)
        if start_ns is not None and end_ns is None:
            hi = min(hi, lo + int(limit))  # the first N from start, as exchange klines APIs do
        else:
            lo = max(lo, hi - int(limit))  # the last N up to end (or up to the newest bar)
    hi = max(hi, lo)
    window = prepared.frame.iloc[lo:hi].reset_index(drop=True)
    return OhlcvView(
        symbol=symbol,
        timeframe=prepared.timeframe,
        native_timeframe=prepared.native,
        ema_periods=emas,
        frame=window,
        total_bars=len(times),
        first_index=lo,
        notices=prepared.notices,
        source_frame=source_frame,
        indicators=specs,
        chart=chart,
    )


def build_view(
    frame: pd.DataFrame,
    *,
    symbol: str,
    timeframe: str | Timeframe | None = None,
    emas: Sequence[int] = (),
    indicators: Sequence[IndicatorSpec | str] | str | None = (),
    chart: str | None = None,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    limit: int | None = None,
) -> OhlcvView:
    """Resample (if coarser), make Heikin Ashi candles if ``chart="heikin_ashi"``, compute EMAs
    and ``indicators`` (specs or text such as ``"rsi:14,macd"``) over the whole history, then cut
    the window: bars with ``start <= time <= end``, and of those ``limit``: the first ones when
    only ``start`` is given (paging forward), else the last ones (up to ``end`` or the newest
    bar). More than MAX_LINES EMAs + indicators is a ParameterError before any work.

    The prepared history is cached while the same frame object is passed again (an upload kept
    in a session), so paging through it does not redo the resampling and indicators."""
    periods, specs, chart_type = _request(emas, indicators, chart)
    requested = parse_timeframe(timeframe) if timeframe is not None else None
    key = ("frame", id(frame), requested.name if requested else None, periods, specs, chart_type)
    prepared = _view_cache.get(key, frame)
    if prepared is None:
        prepared = _prepare(frame, requested, periods, specs, chart_type)
        _view_cache.put(key, frame, prepared)
    return _cut(
        prepared,
        symbol=symbol,
        emas=periods,
        specs=specs,
        chart=chart_type,
        start=start,
        end=end,
        limit=limit,
        source_frame=frame,
    )


def get_ohlcv(
    symbol: str,
    *,
    timeframe: str | Timeframe | None = None,
    emas: Sequence[int] = (),
    indicators: Sequence[IndicatorSpec | str] | str | None = (),
    chart: str | None = None,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    limit: int | None = None,
    settings: Settings | None = None,
    feed: str | None = None,
) -> OhlcvView:
    """``build_view`` on the data of the first source that answers for ``symbol`` (its prefix's
    source, else ``feed``, else DATA_SOURCE, then FEED_FALLBACK), with the resampled + indicator
    frame cached per (source, symbol, data version, timeframe, emas, indicators, chart) so that
    paging through a large symbol is cheap."""
    periods, specs, chart_type = _request(emas, indicators, chart)
    registry = get_registry(settings)
    route = registry.route(symbol, feed)
    requested = parse_timeframe(timeframe) if timeframe is not None else None
    warm = 3 * max([*periods, *(spec.warmup for spec in specs)], default=0)
    if chart_type == "heikin_ashi":
        warm += 60  # each HA open halves the weight of the one before: 2^-60 is nothing
    bars = load_bars(
        registry,
        route,
        requested,
        warmup=warm,
        start_ns=window_bound_ns(start, "start"),
        end_ns=window_bound_ns(end, "end"),
        limit=limit,
    )
    frame = bars.frame
    key = (
        id(bars.source),
        bars.candidate.symbol.lower(),
        requested.name if requested else None,
        periods,
        specs,
        chart_type,
        *bars.window,
    )
    prepared = _view_cache.get(key, frame)
    if prepared is None:
        prepared = _prepare(frame, requested, periods, specs, chart_type)
        _view_cache.put(key, frame, prepared)
    view = _cut(
        prepared,
        symbol=bars.shown_symbol,
        emas=periods,
        specs=specs,
        chart=chart_type,
        start=start,
        end=end,
        limit=limit,
        source_frame=frame,
    )
    return replace(view, source=bars.candidate.name, notices=(*view.notices, *bars.skipped))
