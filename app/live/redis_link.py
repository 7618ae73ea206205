"""The Redis hub's connection: one per process, kept up with backoff, every call with a deadline.

While connected it SUBSCRIBEs to the channel of each stream key the hub's local subscriptions
hold (UNSUBSCRIBEs when the last leaves), hands what arrives to the hub, PUBLISHes the hub's
outboxes (one pipeline per wake-up), and every third of LIVE_REDIS_LEASE_MS takes or renews the
lease of each stream it listens to, giving back the ones no longer served. Any failure ends the
connection: the hub falls back to local fan-out, and a new connection is tried after a pause
(0.2 s doubling to 5 s). redis-py's own retries are off (``make_client``): ours are the only ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from redis.exceptions import RedisError

from app.live.hub import LiveMessage, Subscription
from app.live.redis_intake import take_message
from app.live.redis_wire import (
    ACQUIRE,
    KIND_MESSAGE,
    KIND_RELEASED,
    RELEASE,
    channel_name,
    envelope,
    lease_name,
    make_client,
    stream_key,
)

if TYPE_CHECKING:
    import redis.asyncio as aioredis
    from redis.asyncio.client import PubSub

    from app.live.redis_hub import RedisHub

logger = logging.getLogger("app.live.redis_hub")
BACKOFF_MIN_S = 0.2
BACKOFF_MAX_S = 5.0
STILL_DOWN_LOG_S = 60.0  # while Redis stays unreachable, a reminder this often
FAILURES = (RedisError, OSError, TimeoutError)  # Redis unreachable, or too slow


class RedisLink:
    def __init__(self, hub: RedisHub) -> None:
        self.hub = hub
        self.up = False
        self.held: set[str] = set()  # stream keys whose lease this replica holds
        self.listening: set[str] = set()  # keys whose SUBSCRIBE Redis confirmed
        self._sent: set[str] = set()  # keys SUBSCRIBEd on the current connection
        self._dirty: set[str] = set()  # keys with something in their outbox
        self._outbox_wake = asyncio.Event()
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        if self._task is None and not self._stop.is_set():
            self._task = asyncio.get_running_loop().create_task(self._run())

    def wake(self) -> None:
        """Reconsider subscriptions and leases now rather than at the next tick."""
        self._wake.set()

    def outbox_ready(self, key: str) -> Callable[[], None]:
        def ready() -> None:
            self._dirty.add(key)
            self._outbox_wake.set()

        return ready

    async def close(self) -> None:
        """Give the leases back (the other replicas take over at once) and disconnect."""
        self._stop.set()
        self._wake.set()
        task, self._task = self._task, None
        if task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), self.hub.timeout * 2 + 1)
        except Exception:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task

    # -- connecting -----------------------------------------------------------------------------

    async def _run(self) -> None:
        backoff = BACKOFF_MIN_S
        down_since: float | None = None
        last_warning = 0.0
        shown = self.hub.shown_url
        while not self._stop.is_set():
            try:
                await self._session(again=down_since is not None)
                return
            except Exception as exc:
                was_up, now = self.up, time.monotonic()
                self._went_down()
                if self._stop.is_set():
                    return  # closing: the leases expire on their own
                if not isinstance(exc, FAILURES):
                    logger.exception("live: the Redis hub failed; reconnecting")
                if was_up or down_since is None:
                    down_since = last_warning = now
                    backoff = BACKOFF_MIN_S
                    logger.warning(
                        "live: Redis at %s %s (%s: %s); each replica sends its own bars to its "
                        "own clients until it answers; retrying with backoff",
                        shown,
                        "lost" if was_up else "unreachable",
                        type(exc).__name__,
                        exc,
                    )
                elif now - last_warning >= STILL_DOWN_LOG_S:
                    last_warning = now
                    logger.warning(
                        "live: Redis at %s still unreachable after %.0f s (%s)",
                        shown,
                        now - down_since,
                        exc,
                    )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), backoff)
            backoff = min(backoff * 2, BACKOFF_MAX_S)

    async def _session(self, *, again: bool) -> None:
        """One connection's life: subscribe, keep leases, until Redis fails or we close."""
        hub = self.hub
        client = make_client(hub.url, hub.timeout)
        pubsub = client.pubsub(ignore_subscribe_messages=False)
        tasks: list[asyncio.Task] = []
        try:
            async with asyncio.timeout(hub.timeout):
                await client.ping()
                await pubsub.connect()
            tasks = [
                asyncio.create_task(self._listen(pubsub, client)),
                asyncio.create_task(self._drain(client)),
            ]
            self.up = True
            log = logger.warning if again else logger.info
            log("live: Redis at %s connected; bars fan out across replicas", hub.shown_url)
            tick = hub.lease_ms / 3000
            while not self._stop.is_set():
                self._wake.clear()
                await self._reconcile(pubsub)
                await self._renew(client)
                waiter = asyncio.create_task(self._wake.wait())
                first = asyncio.FIRST_COMPLETED
                await asyncio.wait({waiter, *tasks}, timeout=tick, return_when=first)
                waiter.cancel()
                for task in tasks:
                    if task.done():
                        task.result()  # its failure ends the session
                        raise ConnectionError("the Redis listener stopped")
            await self._release(client, sorted(self.held))
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(BaseException):
                    await task
            with contextlib.suppress(Exception):
                async with asyncio.timeout(hub.timeout):
                    await pubsub.aclose()
                    await client.aclose()

    def _went_down(self) -> None:
        self.up = False
        self.held.clear()
        self._sent.clear()
        self.listening.clear()
        self._dirty.clear()
        self.hub.went_down()

    # -- subscribing and listening --------------------------------------------------------------

    async def _reconcile(self, pubsub: PubSub) -> None:
        """SUBSCRIBE to the keys local subscriptions hold, UNSUBSCRIBE from the others."""
        prefix = self.hub.prefix
        wanted = set(self.hub.streams)
        add, drop = wanted - self._sent, self._sent - wanted
        async with asyncio.timeout(self.hub.timeout):
            if add:
                await pubsub.subscribe(*(channel_name(prefix, k) for k in add))
                self._sent |= add
            if drop:
                await pubsub.unsubscribe(*(channel_name(prefix, k) for k in drop))
                self._sent -= drop

    async def _listen(self, pubsub: PubSub, client: aioredis.Redis) -> None:
        hub = self.hub
        while True:
            message = await pubsub.get_message(timeout=1.0)
            if message is None:
                continue
            kind, channel = message["type"], message["channel"]
            if kind not in ("message", "subscribe", "unsubscribe") or not channel:
                continue
            key = stream_key(hub.prefix, channel)
            if kind == "message":
                await take_message(hub, client, key, message["data"])
            elif kind == "subscribe":
                self.listening.add(key)
                if hub.listening(key, True):
                    self._wake.set()  # settle its lease now
            else:
                self.listening.discard(key)
                hub.listening(key, False)

    # -- leases ---------------------------------------------------------------------------------

    async def _renew(self, client: aioredis.Redis) -> None:
        """Take or renew the lease of each stream we listen to; give back the ones we left."""
        hub = self.hub
        keys = [key for key, stream in hub.streams.items() if stream.listening]
        gone = [key for key in self.held if key not in hub.streams]
        if not keys and not gone:
            return
        now = time.monotonic()
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.eval(ACQUIRE, 1, lease_name(hub.prefix, key), hub.origin, hub.lease_ms)
        self._queue_release(pipe, gone)
        async with asyncio.timeout(hub.timeout):
            results = await pipe.execute()
        self.held.difference_update(gone)
        for key, holder in zip(keys, results, strict=False):
            if holder == hub.origin:
                self.held.add(key)  # if the key left meanwhile, given back next round
            else:
                self.held.discard(key)
            hub.lease_settled(key, holder, now + hub.lease_ms / 1000)

    def _queue_release(self, pipe: aioredis.client.Pipeline, keys: list[str]) -> None:
        hub = self.hub
        for key in keys:
            pipe.eval(RELEASE, 1, lease_name(hub.prefix, key), hub.origin)
            released = envelope(hub.origin, KIND_RELEASED, secret=hub.secret)
            pipe.publish(channel_name(hub.prefix, key), released)

    async def _release(self, client: aioredis.Redis, keys: list[str]) -> None:
        if not keys:
            return
        pipe = client.pipeline(transaction=False)
        self._queue_release(pipe, keys)
        async with asyncio.timeout(self.hub.timeout):
            await pipe.execute()
        self.held.difference_update(keys)

    # -- publishing -----------------------------------------------------------------------------

    async def _drain(self, client: aioredis.Redis) -> None:
        """PUBLISH what the outboxes hold, newest state per bar, one pipeline per wake-up."""
        hub = self.hub
        reset_bytes = LiveMessage(reset=True).to_bytes()
        while True:
            await self._outbox_wake.wait()
            self._outbox_wake.clear()
            while self._dirty:
                keys, self._dirty = self._dirty, set()
                pipe = client.pipeline(transaction=False)
                for key in keys:
                    stream = hub.streams.get(key)
                    if stream is None:
                        continue
                    if stream.outbox.overflowed:
                        hub.outbox_resets += 1
                        logger.warning(
                            "live: Redis writes fell behind on %s: the other replicas' clients "
                            "get a fresh snapshot (%d so far)",
                            key,
                            hub.outbox_resets,
                        )
                        stream.outbox = Subscription(
                            key, key, self.outbox_ready(key), hub.outbox_bytes
                        )
                        reset, message = True, None
                    else:
                        reset, message = stream.outbox.take()
                    channel = channel_name(hub.prefix, key)
                    if reset:
                        data = envelope(hub.origin, KIND_MESSAGE, reset_bytes, hub.secret)
                        pipe.publish(channel, data)
                    if message is not None:
                        data = envelope(hub.origin, KIND_MESSAGE, message.to_bytes(), hub.secret)
                        pipe.publish(channel, data)
                if len(pipe):
                    async with asyncio.timeout(hub.timeout):
                        await pipe.execute()
