"""What keeps a ``SymbolFeed`` current: a watched file, a polled broker, or an exchange stream.

- Files: one watcher over DATA_DIR for every followed file (``app.live.watch``: inotify on
  the event loop, ``watchfiles`` elsewhere); a change to a CSV reads only its tail
  (``CsvTail``); anything the tail cannot follow (a rewrite, a truncation, a Parquet file)
  reloads the file through the data source and resets the subscribers.
- Broker: ``poll_broker`` asks the REST API for the bars from the last one held, once per
  symbol every LIVE_POLL_S, whatever the number of subscribers.
- Exchange: ``follow_exchange`` (``app.live.exchange``) holds one upstream WebSocket per symbol.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pandas as pd

from app.core.errors import SuperChartError
from app.live.bars import OlderBarError
from app.live.streams import SymbolFeed
from app.live.tail import CsvTail, ReloadNeeded

logger = logging.getLogger(__name__)
INLINE_TAIL_BYTES = 256 * 1024  # smaller tails are parsed on the event loop (sub-millisecond)

Reload = Callable[[], Awaitable[tuple[pd.DataFrame, int]]]  # -> (frame, file size before load)


class FileFollower:
    """Follows one file for one feed: the tail when it can, a reload when it must."""

    def __init__(self, feed: SymbolFeed, path: Path, size: int, reload: Reload) -> None:
        self.feed = feed
        self.path = path
        self.reload_frame = reload
        self.tail = self._open_tail(size)

    def _open_tail(self, size: int) -> CsvTail | None:
        try:
            return CsvTail.open(self.path, size)
        except (ReloadNeeded, OSError):
            return None

    async def changed(self) -> None:
        try:
            if self.tail is None:
                raise ReloadNeeded("not tailable")
            pending = os.stat(self.path).st_size - self.tail.offset
            if pending > INLINE_TAIL_BYTES:
                bars = await asyncio.to_thread(self.tail.read_new)
            else:
                bars = self.tail.read_new()
            if bars is not None:
                self.feed.apply(bars)
        except (ReloadNeeded, OlderBarError, OSError) as exc:
            logger.info("%s: reloading (%s)", self.path.name, exc)
            await self.reload()

    async def reload(self) -> None:
        try:
            frame, size = await self.reload_frame()
        except SuperChartError as exc:  # a half-written file: keep the bars we have
            logger.warning("%s: live reload failed, keeping the last bars: %s", self.path, exc)
            return
        self.tail = self._open_tail(size)
        self.feed.replace(frame)


async def poll_broker(
    feed: SymbolFeed, fetch: Callable[[pd.Timestamp | None], pd.DataFrame], interval: float
) -> None:
    """Every ``interval`` seconds, the bars from the last one held (one request per symbol)."""
    while True:
        await asyncio.sleep(interval)
        last = feed.book.last_time
        start = pd.Timestamp(last, tz="UTC") if last is not None else None
        try:
            frame = await asyncio.to_thread(fetch, start)
        except SuperChartError as exc:
            logger.warning("live poll of %s failed: %s", feed.name, exc)
            continue
        try:
            feed.apply(frame)
        except OlderBarError:
            logger.info("live poll of %s: history changed, ignoring older bars", feed.name)
