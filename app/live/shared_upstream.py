"""One upstream reader per symbol across every replica for pushed feeds (LIVE_BACKEND=redis):
an exchange's WebSocket stream (LIVE_WS_URL) and a followed file.

Each replica serving a symbol takes part in a lease per symbol in Redis (as the broker polls of
``app.live.shared_poll``). Only its holder reads the upstream: it holds the one exchange socket,
or watches and tails the file. After each change it writes the newest bars of its book (and its
last error: every replica's clients get the same ``status``) to a key and PUBLISHes them on a
channel (``app.live.published_bars``: signed, bounded, checked by readers). The others keep no
upstream of their own: they take the published bars as they come (pub/sub, coalesced to the
newest value) into their own book, so their producers, snapshots and the Redis hub's stream
leases work as before, and read the key at every step in case a message was missed.

- Files: the holder alone watches and tails the file. When it reloads the whole file (a rewrite,
  a truncation: ``history`` changes), followers reload it too, from the shared volume. That is
  the one read they make; a follower whose bars do not join the published ones (it loaded the
  file earlier) also reloads once. Followers reading a shared volume themselves would be cheap,
  but on a network volume (NFS and the like) inotify hears no other host's writes, and every
  replica tailing means N readers and N slightly different moments per bar: one reader keeps
  the replicas' bars identical.
- Exchange: no replica reconnects but the holder; a follower cannot rebuild what it never read,
  so bars older than the published window stay as its history loaded them.
- A holder that dies keeps the lease until it expires (LIVE_REDIS_LEASE_MS); the next replica to
  step (at most every half second) takes it and opens the upstream at once. A replica shutting
  down gives its leases back.
- Redis unreachable: every replica reads its upstream itself (with one warning, and one when
  Redis answers again); when another replica holds the lease again, the local reader stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from redis.exceptions import RedisError

from app.live.bars import OlderBarError
from app.live.published_bars import RejectedBars, decode, encode, first_ns
from app.live.redis_wire import new_origin
from app.live.shared_poll import PollRole, SharedPolls
from app.live.streams import SymbolFeed

if TYPE_CHECKING:
    from redis.asyncio.client import PubSub

    from app.config import Settings

logger = logging.getLogger(__name__)
FAILURES = (RedisError, OSError, TimeoutError)
LISTEN_BACKOFF_MAX_S = 5.0

Reader = Callable[[], Awaitable[None]]  # reads the upstream into the feed until cancelled
Resync = Callable[[], Awaitable[None]]  # reloads the feed's whole history (files)


@dataclass
class _Follow:
    """One feed's part in its lease: the upstream reader while held, what was taken else."""

    feed: SymbolFeed
    lease: bytes
    key: bytes
    changed: asyncio.Event = field(default_factory=asyncio.Event)  # holder: something to publish
    pushed: asyncio.Event = field(default_factory=asyncio.Event)  # follower: a value arrived
    latest: bytes | None = None  # the newest value heard on the channel, not taken yet
    seen: bytes | None = None  # the last value taken
    history: str | None = None  # the token of the history the bars belong to
    reader: asyncio.Task | None = None


class SharedUpstreams(SharedPolls):
    """The broker poll leases (inherited) and the pushed feeds' leases of one process."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.follows: dict[bytes, _Follow] = {}  # by channel/key name
        self.published = 0  # values this process wrote as a holder
        self.pushes_taken = 0
        self._listener: asyncio.Task | None = None

    def push_names(self, feed: SymbolFeed) -> tuple[bytes, bytes]:
        digest = hashlib.sha256(feed.key.encode()).hexdigest()[:32]
        prefix = self.prefix
        return (f"{prefix}upstream:{digest}".encode(), f"{prefix}pushed:{digest}".encode())

    def stats(self) -> dict[str, int]:
        """Adds the pushed feeds: upstream readers running here (sockets open, files tailed),
        values published as their holder, and taken as a follower."""
        stats = super().stats()
        stats["upstream_readers"] = sum(
            1 for f in self.follows.values() if f.reader is not None and not f.reader.done()
        )
        stats["published"] = self.published
        stats["pushes_taken"] = self.pushes_taken
        return stats

    async def follow(self, feed: SymbolFeed, read: Reader, resync: Resync | None) -> None:
        """Keep ``feed`` current until cancelled: run ``read`` while holding its lease (or while
        Redis is down), else take the holder's bars."""
        lease, key = self.push_names(feed)
        state = _Follow(feed, lease, key)
        self.follows[key] = state

        def on_change(reset: bool) -> None:
            if reset and state.reader is not None:  # our reader replaced it (not a resync)
                state.history = new_origin().decode()
            state.changed.set()

        feed.on_change = on_change
        self._ensure_listener()
        loop = asyncio.get_running_loop()
        try:
            while True:
                role = await self._claim(lease)
                until = loop.time() + self.step
                if role is PollRole.FOLLOWER:
                    if state.reader is not None:
                        logger.info("live: %s: another replica reads the upstream", feed.name)
                    await self._stop_reader(state)
                    if state.latest is None:  # nothing pushed since the last step: read it
                        await self._read_key(state)
                    while True:
                        state.pushed.clear()
                        if state.latest is not None:
                            value, state.latest = state.latest, None
                            await self._merge(state, value, resync)
                        if not await _wait(state.pushed, until - loop.time()):
                            break
                    continue
                if state.reader is None or state.reader.done():
                    if state.history is None:  # go on with the last holder's, if any
                        state.history = await self._key_history(state) or new_origin().decode()
                    why = "Redis unreachable" if role is PollRole.LOCAL else "lease holder"
                    logger.info("live: %s: this replica reads the upstream (%s)", feed.name, why)
                    state.reader = asyncio.create_task(read())
                    state.changed.set()  # publish what we hold at once
                if role is PollRole.LOCAL:
                    await asyncio.sleep(self.step)
                    continue
                while True:
                    if state.changed.is_set():
                        state.changed.clear()
                        await self._push(state)
                    if not await _wait(state.changed, until - loop.time()):
                        break
        finally:
            feed.on_change = None
            self.follows.pop(key, None)
            await self._stop_reader(state)
            if lease in self.held:
                self.held.discard(lease)
                await self._release([lease])

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(BaseException):
                await self._listener
        await super().close()

    # -- holder -----------------------------------------------------------------------------

    async def _push(self, state: _Follow) -> None:
        feed = state.feed
        value = encode(feed.book, feed.status.error, self.origin, self.secret, state.history)
        pipe = self.client.pipeline(transaction=False)
        pipe.set(state.key, value, px=self.lease_ms * 2)
        pipe.publish(state.key, value)
        try:
            await self._call(pipe.execute())
            self.published += 1
        except FAILURES as exc:
            self._went_down(exc)

    @staticmethod
    async def _stop_reader(state: _Follow) -> None:
        reader, state.reader = state.reader, None
        if reader is not None and not reader.done():
            reader.cancel()
            with contextlib.suppress(BaseException):
                await reader

    # -- follower ---------------------------------------------------------------------------

    async def _read_key(self, state: _Follow) -> None:
        try:
            value = await self._call(self.client.get(state.key))
        except FAILURES as exc:
            self._went_down(exc)
            return
        if value is not None:
            state.latest = value

    async def _key_history(self, state: _Follow) -> str | None:
        """The history token the key holds (a holder before us): followers that took its bars
        are not made to reload for a token that is new but names the same history."""
        await self._read_key(state)
        value, state.latest = state.latest, None
        try:
            return None if value is None else decode(value, self.secret).history
        except RejectedBars:
            return None

    async def _merge(self, state: _Follow, value: bytes, resync: Resync | None) -> None:
        """Take the holder's bars into the feed (its whole history again when the holder's
        was replaced, or when the bars do not join ours and the history can be reloaded)."""
        if value == state.seen:
            return
        state.seen = value
        feed = state.feed
        try:
            frame, error, history = decode(value, self.secret)
        except RejectedBars as exc:
            self._reject(feed, str(exc))
            return
        self.pushes_taken += 1
        known = state.history
        replaced = history is not None and known is not None and history != known
        last = feed.book.last_time
        behind = len(frame) and last is not None and first_ns(frame) > last
        if resync is not None and (replaced or behind):
            logger.info("live: %s changed upstream; reloading its history", feed.name)
            await resync()
        state.history = history
        try:
            feed.apply(frame)
        except OlderBarError:
            if resync is None:
                logger.info("live: %s: older bars from the holder ignored", feed.name)
            else:
                await resync()
                with contextlib.suppress(OlderBarError):
                    feed.apply(frame)
        if error is None:
            feed.clear_error()
        else:
            feed.set_error(error)

    def _ensure_listener(self) -> None:
        if self._listener is None or self._listener.done():
            self._listener = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        """One pub/sub connection for every pushed feed of this process: the newest value of
        each channel is handed to its feed; reconnected with backoff (the key covers gaps)."""
        backoff = 0.2
        while True:
            pubsub = self.client.pubsub(ignore_subscribe_messages=True)
            try:
                await self._relay(pubsub)
            except FAILURES:
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, LISTEN_BACKOFF_MAX_S)
            finally:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(pubsub.aclose(), self.timeout)

    async def _relay(self, pubsub: PubSub) -> None:
        subscribed: set[bytes] = set()
        while True:
            wanted = set(self.follows)
            if wanted - subscribed:
                await self._call(pubsub.subscribe(*(wanted - subscribed)))
            if subscribed - wanted:
                await self._call(pubsub.unsubscribe(*(subscribed - wanted)))
            subscribed = wanted
            if not subscribed:
                await asyncio.sleep(self.step)
                continue
            message = await pubsub.get_message(timeout=self.step)
            if message is None or message.get("type") != "message":
                continue
            state = self.follows.get(message["channel"])
            data = message["data"]
            if state is not None and isinstance(data, bytes):
                state.latest = data
                state.pushed.set()


async def _wait(event: asyncio.Event, timeout: float) -> bool:
    """Whether ``event`` is set within ``timeout`` (left set: the caller clears it)."""
    if timeout <= 0:
        return False
    try:
        await asyncio.wait_for(event.wait(), timeout)
    except TimeoutError:
        return False
    return True
