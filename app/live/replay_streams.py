"""The histories Bar Replays play: one per stream, built once, shared, bounded, given back.

A stream is a symbol at one timeframe and chart with one set of EMAs and indicators. Its history
(``/api/ohlcv``'s columns: time, OHLCV, every line) is computed once, in a worker thread, and
every replay of the stream plays it from its own ``start``: a replay holds an index, not bars.
When a stream's last replay ends, its arrays are dropped: a few large numpy blocks the allocator
gives back, not millions of small records that pinned its heap (the process's memory goes back to
where it was without trimming the heap).

Bounds, checked before any work: LIVE_REPLAY_MAX_TOTAL replays at once in the process, and
LIVE_REPLAY_MAX_MB for every stream's history together (a new stream is sized from the bars
and columns it will hold before it is built). A local file's stream is its whole history (any
``start`` shares it, until the file changes); a broker's or exchange's is the window it fetched
(``start`` and ``limit`` are part of its key).
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from app.core import get_ohlcv
from app.core.errors import SuperChartError
from app.core.ohlcv_json import records_json
from app.core.sources.configured import get_registry
from app.core.sources.fetch import REMOTE_SOURCES
from app.live.protocol import StreamRequest
from app.live.streams import bar_records, view_columns

if TYPE_CHECKING:
    from app.config import Settings

UNCLAIMED_S = 5.0  # a history built for replays that all left before it was ready


class ReplayLimitError(SuperChartError):
    """A replay past one of the replay bounds; ``setting`` names it."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(message)
        self.setting = setting


class ReplayStream:
    """One stream's history as ``/api/ohlcv``'s columns; ``refs`` replays play it."""

    def __init__(
        self, key: tuple, data: object, symbol: str, timeframe: str, columns: dict[str, Any]
    ) -> None:
        self.key = key
        # the source's frame it was built from (local files), not kept alive by the stream
        self._data = None if data is None else weakref.ref(data)
        self.symbol = symbol
        self.timeframe = timeframe
        self.columns: dict[str, np.ndarray] | None = columns
        self.times: np.ndarray = columns["time"]
        self.nbytes = sum(int(np.asarray(values).nbytes) for values in columns.values())
        self.refs = 0

    def built_from(self, data: object) -> bool:
        """Whether the stream shows ``data`` (the source's frame now), or its window."""
        return data is None if self._data is None else self._data() is data

    @property
    def bars(self) -> int:
        return len(self.times)

    def position(self, start_s: int) -> int:
        """Index of the first bar at or after ``start_s`` (UNIX seconds)."""
        return int(np.searchsorted(self.times, start_s, side="left"))

    def records_json(self, lo: int, hi: int) -> bytes:
        """Bars ``lo:hi`` as ``/api/ohlcv`` writes them (a JSON list)."""
        return records_json(self._slice(lo, hi))

    def records(self, lo: int, hi: int) -> list[bytes]:
        """Bars ``lo:hi``, one JSON record each."""
        return bar_records(self._slice(lo, hi))

    def _slice(self, lo: int, hi: int) -> dict[str, np.ndarray]:
        if self.columns is None:
            raise RuntimeError("replay stream already released")
        return {name: values[lo:hi] for name, values in self.columns.items()}


class ReplayStreams:
    """Every replay stream of the process, and the replays open on them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.open = 0  # replays holding (or opening) a stream
        self.builds = 0  # histories computed since start
        self.held_bytes = 0  # streams' arrays, plus the estimates of those being built
        self._streams: dict[tuple, ReplayStream] = {}  # the newest stream of each key
        self._held: set[ReplayStream] = set()  # every stream whose history is held
        self._building: dict[tuple, asyncio.Future] = {}

    def stats(self) -> dict[str, object]:
        return {
            "open": self.open,
            "streams": len(self._held),
            "held_mb": round(self.held_bytes / 1_048_576, 1),
            "builds": self.builds,
        }

    async def acquire(self, request: StreamRequest) -> tuple[ReplayStream, int]:
        """The request's stream (shared or built) and the index of its ``start``; the caller
        gives it back with ``release``. ReplayLimitError past a bound, SuperChartError as the
        HTTP API's."""
        cap = self.settings.live_replay_max_total
        if self.open >= cap:
            raise ReplayLimitError(
                "LIVE_REPLAY_MAX_TOTAL",
                f"the server is playing its cap of {cap} replays at once "
                "(LIVE_REPLAY_MAX_TOTAL); try again when one ends.",
            )
        self.open += 1
        try:
            stream = await self._stream(request)
        except BaseException:
            self.open -= 1
            raise
        stream.refs += 1
        return stream, stream.position(request.start or 0)

    def release(self, stream: ReplayStream) -> None:
        """One replay of ``stream`` ended; the last one frees its history."""
        self.open -= 1
        stream.refs -= 1
        self._forget_if_unused(stream)

    def _forget_if_unused(self, stream: ReplayStream) -> None:
        if stream.refs > 0 or stream.columns is None:
            return
        self._held.discard(stream)
        if self._streams.get(stream.key) is stream:
            del self._streams[stream.key]
        self.held_bytes -= stream.nbytes
        stream.columns = None

    # -- building ---------------------------------------------------------------------------

    async def _stream(self, request: StreamRequest) -> ReplayStream:
        remote, source_key, data = await asyncio.to_thread(self._current_data, request)
        timeframe = request.timeframe.name if request.timeframe else None
        key: tuple = (*source_key, timeframe, request.periods, request.specs, request.chart)
        if remote:  # a window fetched from upstream: its start and limit are part of it
            key += (request.start, request.limit)
        while True:
            stream = self._streams.get(key)
            if stream is not None and stream.built_from(data):
                return stream
            building = self._building.get(key)
            if building is None:
                break
            stream = await asyncio.shield(building)
            if stream.built_from(data):
                return stream
        rows = request.limit + self.settings.live_replay_max_bars if remote else len(data)  # type: ignore[arg-type]
        estimate = rows * _column_count(request) * 8
        self._check_budget(estimate)
        self.held_bytes += estimate
        future = asyncio.ensure_future(self._build_once(request, key, data, remote, estimate))
        self._building[key] = future
        return await asyncio.shield(future)  # a replay that leaves meanwhile: built anyway

    async def _build_once(
        self, request: StreamRequest, key: tuple, data: object, remote: bool, estimate: int
    ) -> ReplayStream:
        """Build and register the stream, whoever is still waiting for it."""
        try:
            stream = await asyncio.to_thread(self._build, request, key, data, remote)
        except BaseException:
            self.held_bytes -= estimate
            raise
        finally:
            del self._building[key]
        self.held_bytes += stream.nbytes - estimate
        self.builds += 1
        self._streams[key] = stream
        self._held.add(stream)
        # Every replay that asked for it has left: let it go once none took it.
        asyncio.get_running_loop().call_later(UNCLAIMED_S, self._forget_if_unused, stream)
        return stream

    def _current_data(self, request: StreamRequest) -> tuple[bool, tuple, object]:
        """(whether the symbol's source is remote, which source and symbol it is, the history
        it holds now for a local one): SymbolNotFoundError as the HTTP API's."""
        registry = get_registry(self.settings)
        route = registry.route(request.symbol, request.feed)

        def attempt(candidate: Any, source: Any) -> object:
            if getattr(source, "name", None) in REMOTE_SOURCES:
                return None
            return source.load(candidate.symbol, request.timeframe)  # cached by the source

        data, candidate, _skipped = registry.serve(route, attempt)
        source_key = (candidate.name, candidate.exchange, candidate.symbol.lower())
        return data is None, source_key, data

    def _check_budget(self, estimate: int) -> None:
        budget = self.settings.live_replay_max_bytes
        if self.held_bytes + estimate <= budget:
            return
        mb = self.settings.live_replay_max_mb
        if estimate > budget:
            raise ReplayLimitError(
                "LIVE_REPLAY_MAX_MB",
                f"this replay's history would take {estimate / 1_048_576:,.0f} MB, over the "
                f"{mb:g} MB that replays may hold (LIVE_REPLAY_MAX_MB); replay a coarser "
                "timeframe or fewer lines.",
            )
        raise ReplayLimitError(
            "LIVE_REPLAY_MAX_MB",
            f"replays already hold {self.held_bytes / 1_048_576:,.1f} of the {mb:g} MB they "
            f"may hold (LIVE_REPLAY_MAX_MB) and this one needs {estimate / 1_048_576:,.1f} MB "
            "more; try again when one ends.",
        )

    def _build(
        self, request: StreamRequest, key: tuple, data: object, remote: bool
    ) -> ReplayStream:
        """The stream's history (worker thread): indicators warmed up as ``/api/ohlcv``'s."""
        common: dict[str, Any] = dict(
            timeframe=request.timeframe,
            emas=request.periods,
            chart=request.chart,
            settings=self.settings,
            feed=request.feed,
        )
        if request.specs:
            common["indicators"] = request.specs
        if not remote:
            view = get_ohlcv(request.symbol, **common)
            columns = view_columns(view)
        else:
            start = pd.Timestamp(request.start, unit="s", tz="UTC")
            before = get_ohlcv(
                request.symbol, end=start - pd.Timedelta(seconds=1), limit=request.limit, **common
            )
            view = get_ohlcv(
                request.symbol, start=start, limit=self.settings.live_replay_max_bars, **common
            )
            head, tail = view_columns(before), view_columns(view)
            columns = {name: np.concatenate([head[name], tail[name]]) for name in tail}
        return ReplayStream(key, data, view.symbol, view.timeframe.name, columns)


def _column_count(request: StreamRequest) -> int:
    """time, OHLCV, one per EMA and one per indicator output."""
    lines = sum(len(getattr(spec, "columns", ())) for spec in request.specs)
    return 6 + len(request.periods) + lines
