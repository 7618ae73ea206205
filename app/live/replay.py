"""Bar Replay: a symbol's history played bar by bar from ``start``, as TradingView does.

The client gets a ``snapshot`` of the ``limit`` bars before ``start``, then one ``update`` per
played bar at ``speed`` bars per second, and can pause, play, step one bar, or change speed.
Bars and indicators come from ``get_ohlcv`` (indicators warmed up on the whole history, as the
HTTP API gives them); at most LIVE_REPLAY_MAX_BARS bars are played per replay.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pandas as pd

from app.core import ParameterError, get_ohlcv
from app.live.protocol import REPLAY_ACTIONS, StreamRequest, bars_frame, parse_speed
from app.live.streams import bar_records, view_columns
from app.web.ohlcv_json import records_json

if TYPE_CHECKING:
    from app.live.connection import LiveClient


class ReplaySession:
    def __init__(
        self,
        client: LiveClient,
        request_id: str,
        request: StreamRequest,
        timeframe: str,
        symbol: str,
        history: bytes,
        bars: list[bytes],
    ) -> None:
        self.client = client
        self.id = request_id
        self.symbol = symbol
        self.timeframe = timeframe
        self.speed = request.speed
        self.history = history
        self.bars = bars  # the records to play, in order
        self.next = 0
        self.playing = True
        self.changed = asyncio.Event()
        self.task: asyncio.Task | None = None

    @classmethod
    async def open(cls, client: LiveClient, request: StreamRequest) -> ReplaySession:
        settings = client.settings
        start = pd.Timestamp(request.start, unit="s", tz="UTC")
        kwargs: dict[str, Any] = {}
        if request.specs:
            kwargs["indicators"] = request.specs

        def load() -> tuple[Any, bytes, list[bytes]]:
            common = dict(
                timeframe=request.timeframe,
                emas=request.periods,
                chart=request.chart,
                settings=settings,
                feed=request.feed,
                **kwargs,
            )
            before = get_ohlcv(
                request.symbol, end=start - pd.Timedelta(seconds=1), limit=request.limit, **common
            )
            after = get_ohlcv(
                request.symbol, start=start, limit=settings.live_replay_max_bars, **common
            )
            return after, records_json(view_columns(before)), bar_records(view_columns(after))

        view, history, bars = await asyncio.to_thread(load)
        timeframe = view.timeframe.name
        request_id = request.id or f"{request.symbol}:{timeframe}"
        return cls(client, request_id, request, timeframe, view.symbol, history, bars)

    def start(self) -> None:
        self.client.queue_frame(
            bars_frame("snapshot", self.id, self.symbol, self.timeframe, self.history)
        )
        self.task = asyncio.create_task(self._play())

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _emit(self) -> bool:
        if self.next >= len(self.bars):
            return False
        bar = self.bars[self.next]
        self.next += 1
        body = b"[" + bar + b"]"
        self.client.queue_frame(bars_frame("update", self.id, self.symbol, self.timeframe, body))
        return True

    async def _play(self) -> None:
        loop = asyncio.get_running_loop()
        due = loop.time()
        while self.next < len(self.bars):
            if not self.playing:
                self.changed.clear()
                await self.changed.wait()
                due = loop.time()
                continue
            delay = due - loop.time()
            if delay > 0:
                self.changed.clear()
                try:
                    await asyncio.wait_for(self.changed.wait(), delay)
                    continue  # paused, resumed or re-timed: look again
                except TimeoutError:
                    pass
            self._emit()
            due = max(due + 1.0 / self.speed, loop.time() - 1.0)

    def control(self, action: object, value: object) -> None:
        if action not in REPLAY_ACTIONS:
            raise ParameterError("action", f"action must be one of {', '.join(REPLAY_ACTIONS)}.")
        if action == "pause":
            self.playing = False
        elif action == "play":
            self.playing = True
        elif action == "step":
            self.playing = False
            self._emit()
        else:
            self.speed = parse_speed(value, self.client.settings.live_max_replay_speed)
        self.changed.set()
