"""Bar Replay: a symbol's history played bar by bar from ``start``, as TradingView does.

The client gets a ``snapshot`` of the ``limit`` bars before ``start``, then one ``update`` per
played bar at ``speed`` bars per second, and can pause, play, step one bar, or change speed.
Bars and indicators are the stream's shared history (``replay_streams``: built once per symbol,
timeframe, chart and lines, with indicators warmed up on the whole history as the HTTP API gives
them); a replay holds only its place in it and the next few records. At most
LIVE_REPLAY_MAX_BARS bars are played per replay; when the last one is played, or the replay is
stopped, it lets go of the history.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING

from app.core import ParameterError
from app.live.protocol import REPLAY_ACTIONS, StreamRequest, bars_frame, parse_speed
from app.live.replay_streams import ReplayStream

if TYPE_CHECKING:
    from app.live.connection import LiveClient

CHUNK_BARS = 256  # records rendered ahead of play: a few KB per replay, not its whole run


class ReplaySession:
    def __init__(
        self,
        client: LiveClient,
        request_id: str,
        request: StreamRequest,
        stream: ReplayStream,
        first: int,
        history: bytes,
    ) -> None:
        self.client = client
        self.id = request_id
        self.symbol = stream.symbol
        self.timeframe = stream.timeframe
        self.speed = request.speed
        self.history = history
        self.stream: ReplayStream | None = stream
        self.next = first
        self.end = min(first + client.settings.live_replay_max_bars, stream.bars)
        self.ahead: deque[bytes] = deque()  # records of bars next.. rendered ahead
        self.playing = True
        self.changed = asyncio.Event()
        self.task: asyncio.Task | None = None

    @classmethod
    async def open(cls, client: LiveClient, request: StreamRequest) -> ReplaySession:
        streams = client.service.replay_streams
        stream, first = await streams.acquire(request)
        try:
            lo = max(0, first - request.limit)
            history = await asyncio.to_thread(stream.records_json, lo, first)
            request_id = request.id or f"{request.symbol}:{stream.timeframe}"
            return cls(client, request_id, request, stream, first, history)
        except BaseException:
            streams.release(stream)
            raise

    @property
    def active(self) -> bool:
        """Still holding its stream (not played to the end, not stopped)."""
        return self.stream is not None

    def start(self) -> None:
        self.client.queue_frame(
            bars_frame("snapshot", self.id, self.symbol, self.timeframe, self.history)
        )
        self.history = b""
        self.task = asyncio.create_task(self._play())

    def stop(self) -> None:
        task, self.task = self.task, None  # a cancelled task held here would be a cycle
        if task is not None:  # (its CancelledError's traceback holds this session)
            task.cancel()
        self._let_go()

    def _let_go(self) -> None:
        """Give the stream back (once): the last replay of a stream frees its history."""
        stream, self.stream = self.stream, None
        self.ahead.clear()
        if stream is not None:
            self.client.service.replay_streams.release(stream)

    def _emit(self) -> bool:
        if self.stream is None or self.next >= self.end:
            self._let_go()
            return False
        if not self.ahead:
            self.ahead.extend(self.stream.records(self.next, min(self.next + CHUNK_BARS, self.end)))
        bar = self.ahead.popleft()
        self.next += 1
        body = b"[" + bar + b"]"
        self.client.queue_frame(bars_frame("update", self.id, self.symbol, self.timeframe, body))
        if self.next >= self.end:
            self._let_go()
        return True

    async def _play(self) -> None:
        loop = asyncio.get_running_loop()
        due = loop.time()
        while self.active:
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
