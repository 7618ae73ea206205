"""What keeps a ``SymbolFeed`` current: a watched file, a polled broker, or an exchange stream.

- Files: one watcher over DATA_DIR for every followed file (``app.live.watch``: inotify on
  the event loop, ``watchfiles`` elsewhere); a change to a CSV reads only its tail
  (``CsvTail``); anything the tail cannot follow (a rewrite, a truncation, a Parquet file)
  reloads the file through the data source and resets the subscribers.
- Broker: ``poll_broker`` asks the REST API for the bars from the last one held, once per
  symbol every LIVE_POLL_S, whatever the number of subscribers (with the Redis hub, once per
  symbol across every replica: ``app.live.shared_poll``).
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
from app.live.tail import CsvTail, ReloadNeeded, TailUnreadable

logger = logging.getLogger(__name__)
INLINE_TAIL_BYTES = 256 * 1024  # smaller tails are parsed on the event loop (sub-millisecond)
# A tail that does not parse is read again at the next change, or after this long, before the
# file is reloaded (a row rewritten in place is written, then its old end truncated: between
# the two, the file ends in a fragment of the old row).
UNREADABLE_GRACE_S = 0.25

Reload = Callable[[], Awaitable[tuple[pd.DataFrame, int]]]  # -> (frame, file size before load)
_background: set[asyncio.Task] = set()  # re-checks of unreadable tails, kept referenced


class FileFollower:
    """Follows one file for one feed: the tail when it can, a reload when it must."""

    def __init__(self, feed: SymbolFeed, path: Path, size: int, reload: Reload) -> None:
        self.feed = feed
        self.path = path
        self.reload_frame = reload
        self.tail = self._open_tail(size)
        self._unreadable_since: float | None = None

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
            self._unreadable_since = None
            if bars is not None:
                self.feed.apply(bars)
            self.feed.clear_error()
        except TailUnreadable as exc:
            if not self._wait_for_the_writer():
                logger.info("%s: reloading (%s)", self.path.name, exc)
                self.feed.set_error(f"the file's last change cannot be read: {exc}")
                await self.reload(clears_error=False)
        except (ReloadNeeded, OlderBarError, OSError) as exc:
            logger.info("%s: reloading (%s)", self.path.name, exc)
            await self.reload()

    def _wait_for_the_writer(self) -> bool:
        """Whether to wait (UNREADABLE_GRACE_S at most) for the writer to finish the row it is
        rewriting, rather than reload the file and reset every subscriber now."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self._unreadable_since is None:
            self._unreadable_since = now
            loop.call_later(UNREADABLE_GRACE_S, self._check_again, now)
            return True
        return now - self._unreadable_since < UNREADABLE_GRACE_S

    def _check_again(self, since: float) -> None:
        if self._unreadable_since == since:  # no change has read cleanly since
            self._unreadable_since = since - UNREADABLE_GRACE_S  # past the grace: reload
            task = asyncio.get_running_loop().create_task(self.changed())
            _background.add(task)
            task.add_done_callback(_background.discard)

    async def reload(self, clears_error: bool = True) -> None:
        """Read the whole file again. After an unreadable tail the source may hand back its
        last good version: the error stays until a change reads cleanly."""
        try:
            frame, size = await self.reload_frame()
        except SuperChartError as exc:  # a half-written file: keep the bars we have
            logger.warning("%s: live reload failed, keeping the last bars: %s", self.path, exc)
            self.feed.set_error(f"{exc} (showing the last bars read)")
            return
        self.tail = self._open_tail(size)
        self.feed.replace(frame)
        if clears_error:
            self.feed.clear_error()


async def poll_broker(
    feed: SymbolFeed, fetch: Callable[[pd.Timestamp | None], pd.DataFrame], interval: float
) -> None:
    """Every ``interval`` seconds, the bars from the last one held (one request per symbol)."""
    while True:
        await asyncio.sleep(interval)
        await poll_once(feed, fetch)


async def poll_once(feed: SymbolFeed, fetch: Callable[[pd.Timestamp | None], pd.DataFrame]) -> None:
    """The bars from the last one held, merged into ``feed``; a failure is logged, not raised."""
    last = feed.book.last_time
    start = pd.Timestamp(last, tz="UTC") if last is not None else None
    try:
        frame = await asyncio.to_thread(fetch, start)
    except SuperChartError as exc:
        logger.warning("live poll of %s failed: %s", feed.name, exc)
        feed.set_error(f"the last poll failed: {exc}")
        return
    feed.clear_error()
    try:
        feed.apply(frame)
    except OlderBarError:
        logger.info("live poll of %s: history changed, ignoring older bars", feed.name)
