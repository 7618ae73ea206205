"""One broker poller per symbol across every replica (LIVE_BACKEND=redis).

Without it each replica following a broker-served symbol asks the broker for the newest bars
every LIVE_POLL_S: N replicas, N requests per interval. With it, the replicas share a lease per
symbol in Redis (``SET NX PX``, renewed at every step of at most half a second): only its holder
asks the broker, then writes the newest bars of its book to Redis (``app.live.published_bars``:
one key per symbol, signed under LIVE_REDIS_SECRET, expiring with the lease). The others read
that key at each step and merge the bars into their own book, so their producers (and
snapshots) carry the holder's bars, and the Redis hub's stream leases, hand-overs and checks
work as before. Exchange sockets and followed files: ``app.live.shared_upstream``.

- A holder that dies keeps the lease until it expires (LIVE_REDIS_LEASE_MS); the next replica to
  step takes it and polls at once. A replica shutting down gives its leases back.
- What a follower reads is checked before use (size, signature, shape, increasing times, finite
  prices); anything else is dropped with a counted warning, at most one a minute.
- The holder's last poll error goes with its bars: every replica's clients get the same
  ``status`` frame (error while the broker fails, back to ok when it answers).
- A follower whose bars do not join the published ones (it loaded its history earlier from an
  older answer, say) asks the broker itself once, as before.
- Redis unreachable: every replica polls for itself, as with LIVE_BACKEND=memory, with one
  warning (and one when Redis answers again).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING

import pandas as pd
from redis.exceptions import RedisError

from app.live.bars import OlderBarError
from app.live.published_bars import RejectedBars, decode, encode, first_ns
from app.live.redis_wire import ACQUIRE, RELEASE, make_client, new_origin
from app.live.sources import poll_once
from app.live.streams import SymbolFeed

if TYPE_CHECKING:
    import redis.asyncio as aioredis

    from app.config import Settings

logger = logging.getLogger(__name__)
MAX_STEP_S = 0.5  # how often followers read the holder's bars and try for the lease
WARNING_S = 60.0


class PollRole(Enum):
    LOCAL = "local"  # Redis unreachable: poll for ourselves
    HOLDER = "holder"
    FOLLOWER = "follower"


class SharedPolls:
    """The per-symbol poll leases of one process, over one Redis client."""

    def __init__(self, settings: Settings) -> None:
        self.prefix = settings.live_redis_prefix
        self.lease_ms = settings.live_redis_lease_ms
        self.timeout = settings.live_redis_timeout_s
        self.interval = settings.live_poll_s
        self.step = min(self.interval, self.lease_ms / 3000, MAX_STEP_S)
        secret = settings.live_redis_secret
        self.secret = secret.get_secret_value().encode() if secret is not None else None
        self.origin = new_origin()
        self.client: aioredis.Redis = make_client(settings.redis_url, self.timeout)
        self.held: set[bytes] = set()  # lease names held
        self.polls = 0  # broker polls by this process
        self.taken = 0  # times a follower merged the holder's bars
        self.rejected = 0
        self._down = False
        self._rejected_warned_at: float | None = None

    def names(self, feed: SymbolFeed) -> tuple[bytes, bytes]:
        digest = hashlib.sha256(feed.key.encode()).hexdigest()[:32]
        return (f"{self.prefix}poll:{digest}".encode(), f"{self.prefix}polled:{digest}".encode())

    async def run(self, feed: SymbolFeed, fetch: Callable[[pd.Timestamp | None], pd.DataFrame]):
        """Keep ``feed`` current: poll the broker while holding its lease, else take the bars
        the holder wrote."""
        lease, polled = self.names(feed)
        loop = asyncio.get_running_loop()
        next_poll = loop.time() + self.interval  # the history was just loaded
        seen: bytes | None = None
        try:
            while True:
                await asyncio.sleep(self.step)
                role = await self._claim(lease)
                if role is PollRole.FOLLOWER:
                    seen = await self._take(feed, polled, seen, fetch)
                    next_poll = 0.0  # on taking over, poll at once
                    continue
                if loop.time() < next_poll:
                    continue
                next_poll = loop.time() + self.interval
                self.polls += 1
                await poll_once(feed, fetch)
                if role is PollRole.HOLDER:
                    await self._publish(feed, polled)
        finally:
            if lease in self.held:
                self.held.discard(lease)
                await self._release([lease])

    def stats(self) -> dict[str, int]:
        """This process's part: broker polls made, holder's bars taken instead, poll leases
        held, bars from Redis dropped."""
        return {
            "broker": self.polls,
            "taken": self.taken,
            "leases_held": len(self.held),
            "dropped": self.rejected,
        }

    async def close(self) -> None:
        """Give every lease back (the other replicas poll at once), then disconnect."""
        held, self.held = list(self.held), set()
        await self._release(held)
        await self.client.aclose()

    # -- Redis ----------------------------------------------------------------------------------

    async def _call(self, command):
        return await asyncio.wait_for(command, self.timeout)

    async def _claim(self, lease: bytes) -> PollRole:
        try:
            holder = await self._call(
                self.client.eval(ACQUIRE, 1, lease, self.origin, self.lease_ms)
            )
        except (RedisError, OSError, TimeoutError) as exc:
            self.held.discard(lease)
            self._went_down(exc)
            return PollRole.LOCAL
        self._came_back()
        if holder == self.origin:
            self.held.add(lease)
            return PollRole.HOLDER
        self.held.discard(lease)
        return PollRole.FOLLOWER

    async def _publish(self, feed: SymbolFeed, polled: bytes) -> None:
        value = encode(feed.book, feed.status.error, self.origin, self.secret)
        expiry = self.lease_ms + int(self.interval * 1000)
        try:
            await self._call(self.client.set(polled, value, px=expiry))
        except (RedisError, OSError, TimeoutError) as exc:
            self._went_down(exc)

    async def _take(
        self,
        feed: SymbolFeed,
        polled: bytes,
        seen: bytes | None,
        fetch: Callable[[pd.Timestamp | None], pd.DataFrame],
    ) -> bytes | None:
        """Merge the holder's newest bars if they changed since ``seen``; what was read."""
        try:
            value = await self._call(self.client.get(polled))
        except (RedisError, OSError, TimeoutError) as exc:
            self._went_down(exc)
            return seen
        if value is None or value == seen:
            return seen
        try:
            frame, error, _history = decode(value, self.secret)
        except RejectedBars as exc:
            self._reject(feed, str(exc))
            return value
        last = feed.book.last_time
        if len(frame) and last is not None and first_ns(frame) > last:
            logger.info("live poll of %s: behind the published bars, asking once", feed.name)
            self.polls += 1
            await poll_once(feed, fetch)
        else:
            self.taken += 1
            try:
                feed.apply(frame)
            except OlderBarError:
                logger.info("live poll of %s: history changed, ignoring older bars", feed.name)
            if error is None:
                feed.clear_error()
            else:  # the holder's poll failed: this replica's clients are told too
                feed.set_error(error)
        return value

    async def _release(self, leases: list[bytes]) -> None:
        for lease in leases:
            try:
                await self._call(self.client.eval(RELEASE, 1, lease, self.origin))
            except (RedisError, OSError, TimeoutError):
                return

    def _went_down(self, exc: BaseException) -> None:
        if not self._down:
            self._down = True
            logger.warning(
                "live polls: Redis unreachable (%s); each replica polls the broker itself "
                "until it answers",
                type(exc).__name__,
            )

    def _came_back(self) -> None:
        if self._down:
            self._down = False
            logger.warning("live polls: Redis answers again; one replica polls each symbol")

    def _reject(self, feed: SymbolFeed, reason: str) -> None:
        self.rejected += 1
        now = time.monotonic()
        if self._rejected_warned_at is None or now - self._rejected_warned_at >= WARNING_S:
            self._rejected_warned_at = now
            logger.warning(
                "live polls: dropped bars for %s from Redis not written by a replica (%s; %d "
                "in all)",
                feed.name,
                reason,
                self.rejected,
            )
