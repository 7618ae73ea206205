"""One producer per (symbol, timeframe), shared by every subscriber, fed by one feed per symbol.

``SymbolFeed`` holds a symbol's native bars (``BarBook``) and is kept current by its source task
(a watched file, a polled broker, an upstream exchange stream: ``app.live.sources``). Each change
goes to the symbol's ``Producer`` of every subscribed timeframe, which re-aggregates the bins it
touched and hands the changed rows to its ``Channel`` of each indicator set. A channel computes
the indicator values of those rows once and publishes them on the hub under its stream key; the
hub fans them out. Snapshots are built from the same bars through the core's ``build_view``, so
they are records exactly as ``/api/ohlcv`` returns them.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from app.charts.lightweight import ohlcv_columns
from app.core import OhlcvView, build_view
from app.core.heikin_ashi import ChartType
from app.core.indicators import ema_column
from app.core.ohlcv_json import records_json
from app.core.timeframes import Timeframe, check_not_finer, timeframe_for_spacing
from app.core.validation import CheckedBars
from app.live.bars import FIELDS, BarBook, TimeframeBook
from app.live.feed_status import FeedStatus, StatusState
from app.live.heikin import HeikinBook
from app.live.hub import Hub, LiveMessage
from app.live.indicators import LiveIndicators

logger = logging.getLogger(__name__)
SNAPSHOT_CACHE = 16


def view_columns(view: OhlcvView) -> dict[str, Any]:
    """``/api/ohlcv``'s columns of a view, with every indicator column of the view (EMAs, then
    each catalog indicator's, in request order) even where the engine does not list them."""
    columns = ohlcv_columns(view)
    frame = view.frame
    for name in view.indicator_columns:
        if name not in columns:
            columns[name] = np.ascontiguousarray(frame[name].to_numpy(dtype=np.float64))
    return columns


def bar_records(columns: dict[str, np.ndarray]) -> list[bytes]:
    """One JSON record per row, byte for byte as ``records_json`` writes them in a list."""
    body = records_json(columns)
    if body == b"[]":
        return []
    return [b"{" + part for part in body[2:-1].split(b",{")]


class SymbolFeed:
    """A symbol's native bars and the producers built on them."""

    def __init__(self, key: str, name: str, book: BarBook) -> None:
        self.key = key  # lower-cased symbol
        self.name = name  # as shown
        self.book = book
        self.version = 0
        self.spacing = _median_spacing(book)
        self.producers: dict[str, Producer] = {}
        self.task: asyncio.Task | None = None  # the source keeping the book current
        self._frame: tuple[int, pd.DataFrame] | None = None
        self.status = FeedStatus()  # ok / error / stale, told to each subscription
        # Told of each change (True: the whole history replaced), for sharing it across
        # replicas (``app.live.shared_upstream``).
        self.on_change: Callable[[bool], None] | None = None

    def refresh_status(self) -> StatusState:
        """The feed's state now (``status`` frames go out when it changed)."""
        last = self.book.last_time
        return self.status.refresh(None if last is None else last // 1_000_000_000, self.spacing)

    def set_error(self, detail: str) -> None:
        """The source could not read its last change: subscribers are told, bars are kept."""
        self.status.set_error(detail)
        self.refresh_status()
        if self.on_change is not None:
            self.on_change(False)

    def clear_error(self) -> None:
        if self.status.error is not None:
            self.status.clear_error()
            self.refresh_status()
            if self.on_change is not None:
                self.on_change(False)

    @property
    def native(self) -> Timeframe:
        return timeframe_for_spacing(self.spacing)

    def frame(self) -> pd.DataFrame:
        """The bars as a canonical frame, copied once per version."""
        if self._frame is None or self._frame[0] != self.version:
            self._frame = (self.version, self.book.frame())
        return self._frame[1]

    def apply(self, frame: pd.DataFrame | CheckedBars) -> None:
        """New or rewritten bars at the tail (OlderBarError when history changed)."""
        row = self.book.apply(frame)
        if row is None:
            return
        self.version += 1
        self.status.note_change()
        for producer in list(self.producers.values()):
            producer.native_changed(row)
        if self.status.listeners:
            self.refresh_status()
        if self.on_change is not None:
            self.on_change(False)

    def replace(self, frame: pd.DataFrame) -> None:
        """The whole history changed (a file rewritten): every subscriber gets a new snapshot."""
        before = self.book.last_time
        self.book = BarBook.from_frame(frame)
        after = self.book.last_time
        if after is not None and (before is None or after > before):
            self.status.note_change()  # a writer rewriting the whole file with more bars
        self.spacing = _median_spacing(self.book)
        self.version += 1
        for producer in list(self.producers.values()):
            producer.reset()
        if self.status.listeners:
            self.refresh_status()
        if self.on_change is not None:
            self.on_change(True)


def _median_spacing(book: BarBook) -> float:
    if book.n < 2:
        return 0.0
    return float(np.median(np.diff(book.times[: book.n]))) / 1e9


class Producer:
    """One timeframe of one symbol: its bars (aggregated when coarser than the native ones)."""

    def __init__(self, feed: SymbolFeed, timeframe: Timeframe, hub: Hub) -> None:
        check_not_finer(timeframe, feed.native)
        self.feed = feed
        self.timeframe = timeframe
        self.hub = hub
        self.channels: dict[str, Channel] = {}
        self.book = self._make_book()
        self.heikin: HeikinBook | None = None  # HA candles of ``book``, once a channel wants them

    def bars(self, chart: ChartType) -> BarBook:
        """The bars a channel of ``chart`` draws and computes its indicators on."""
        if chart == "candles":
            return self.book
        if self.heikin is None:
            self.heikin = HeikinBook(self.book)
        return self.heikin

    def _make_book(self) -> BarBook:
        feed, timeframe = self.feed, self.timeframe
        # As the batch path: resample when coarser, or when bars are finer than the timeframe.
        native = feed.native
        if timeframe.seconds > native.seconds or feed.spacing < timeframe.seconds * 0.999:
            return TimeframeBook(feed.book, timeframe)
        return feed.book

    def native_changed(self, native_row: int) -> None:
        book = self.book
        if isinstance(book, TimeframeBook):
            row = book.rebuild_from(self.feed.book, native_row)
        else:
            row = native_row
        if row is None:
            return
        if self.heikin is not None:
            self.heikin.rebuild_from(book, row)
        for channel in list(self.channels.values()):  # a slow client may leave meanwhile
            channel.publish(row)

    def reset(self) -> None:
        self.book = self._make_book()
        self.heikin = None
        for channel in list(self.channels.values()):
            channel.indicators.rebuild(channel.bars)
            self.hub.publish(channel.key, LiveMessage(reset=True))


class Channel:
    """One stream key: a producer's bars (or their Heikin Ashi candles) with one set of EMAs
    and indicators."""

    def __init__(
        self,
        key: str,
        producer: Producer,
        periods: tuple[int, ...],
        specs: tuple,
        chart: ChartType = "candles",
    ) -> None:
        self.key = key
        self.producer = producer
        self.periods = periods
        self.specs = specs
        self.chart = chart
        self.refs = 0
        self.indicators = LiveIndicators(periods, specs)
        self.indicators.rebuild(self.bars)
        self.names: list[str] | None = None  # record fields in /api/ohlcv's order
        self.fields = record_fields(periods, specs)  # of every bar record, in order
        self._snapshots: OrderedDict[tuple[int, int], asyncio.Future] = OrderedDict()

    @property
    def bars(self) -> BarBook:
        return self.producer.bars(self.chart)

    def publish(self, row: int) -> None:
        book = self.bars
        values = self.indicators.update(book, row)
        columns: dict[str, Any] = {"time": book.times[row : book.n] // 1_000_000_000}
        for name in FIELDS:
            columns[name] = book.columns[name][row : book.n]
        for name in self.names or [ema_column(p) for p in self.periods] + list(values):
            if name in values:
                columns[name] = values[name]
        bars = bar_records(columns)
        message = LiveMessage(tuple(columns["time"].tolist()), tuple(bars))
        self.producer.hub.publish(self.key, message)

    async def snapshot(self, limit: int) -> tuple[bytes, int | None]:
        """(records of the last ``limit`` bars, the last bar's time): built once per data
        version and limit, however many subscribers ask at once."""
        feed = self.producer.feed
        cache_key = (feed.version, limit)
        future = self._snapshots.get(cache_key)
        if future is None:
            frame = feed.frame()
            future = asyncio.ensure_future(asyncio.to_thread(self._build, frame, limit))
            self._snapshots[cache_key] = future
            while len(self._snapshots) > SNAPSHOT_CACHE:
                self._snapshots.popitem(last=False)
        return await asyncio.shield(future)

    def _build(self, frame: pd.DataFrame, limit: int) -> tuple[bytes, int | None]:
        kwargs: dict[str, Any] = {}
        if self.specs:
            kwargs["indicators"] = self.specs
        view = build_view(
            frame,
            symbol=self.producer.feed.name,
            timeframe=self.producer.timeframe,
            emas=self.periods,
            chart=self.chart,
            limit=limit,
            **kwargs,
        )
        columns = view_columns(view)
        self.names = [name for name in columns if name != "time" and name not in FIELDS]
        last = int(columns["time"][-1]) if len(columns["time"]) else None
        return records_json(columns), last


def record_fields(periods: tuple[int, ...], specs: tuple) -> tuple[str, ...]:
    """The fields of a stream's bar records, in order: as ``OhlcvView.indicator_columns``
    and ``ohlcv_columns`` lay them out for /api/ohlcv."""
    names = [ema_column(p) for p in periods]
    names += [c for spec in specs for c in spec.columns if c not in names]
    return ("time", *FIELDS, *names)


def channel_key(
    symbol_key: str,
    timeframe: Timeframe,
    periods: tuple,
    specs: tuple,
    chart: ChartType = "candles",
) -> str:
    """The hub's stream key: Heikin Ashi and plain subscribers never share a channel."""
    tokens = ",".join(getattr(spec, "token", str(spec)) for spec in specs)
    return f"{symbol_key}|{timeframe.name}|{','.join(map(str, periods))}|{tokens}|{chart}"
