"""The fan-out: producers publish bar changes on a stream key, subscribers get them coalesced.

``Hub`` is the small interface a backend implements; ``MemoryHub`` is the in-process one, and
``RedisHub`` (``app.live.redis_hub``) shares bars between replicas through Redis pub/sub, with a
``MemoryHub`` inside for each replica's own clients. Choosing one is the ``LIVE_BACKEND`` setting.

A ``Subscription`` is one client's place on one stream. It keeps the newest state of each bar
not yet sent (keyed by bar time), never a backlog of messages: a reader slower than the forming
bar's changes gets the latest bar once. What it holds is bounded in bytes; past the bound it
marks itself overflowed and the connection closes the client (4008) instead of buffering more.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

import orjson

from app.metrics import live_counters

if TYPE_CHECKING:
    from app.config import Settings


@dataclass(frozen=True)
class LiveMessage:
    """What a producer publishes: changed bars (each a JSON record, newest state), oldest first,
    or ``reset`` when the history itself changed (subscribers then get a new snapshot)."""

    times: tuple[int, ...] = ()  # bar times, UNIX seconds
    bars: tuple[bytes, ...] = ()  # the JSON record of each bar, as /api/ohlcv writes it
    reset: bool = False

    @cached_property
    def size(self) -> int:
        """Bytes of the bars (counted once: every subscription's ``offer`` asks)."""
        return sum(len(bar) for bar in self.bars)

    @cached_property
    def joined(self) -> bytes:
        """The bars as a JSON array, built once however many subscribers send them."""
        return b"[" + b",".join(self.bars) + b"]"

    @cached_property
    def prepared(self) -> dict[bytes, bytes]:
        """Wire frames of this message by frame prefix (``app.live.prepared``), filled lazily."""
        return {}

    def to_bytes(self) -> bytes:
        """For a backend that crosses processes (Redis)."""
        return orjson.dumps(
            {"times": self.times, "bars": [b.decode() for b in self.bars], "reset": self.reset}
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> LiveMessage:
        body = orjson.loads(data)
        bars = tuple(b.encode() for b in body["bars"])
        return cls(tuple(body["times"]), bars, bool(body["reset"]))


class Subscription:
    """Pending bars of one stream for one client: the newest state per bar time, bounded."""

    __slots__ = (
        "_message",
        "_pending",
        "key",
        "label",
        "max_bytes",
        "notify",
        "overflowed",
        "pending_bytes",
        "reset",
    )

    def __init__(self, key: str, label: str, notify: Callable[[], None], max_bytes: int) -> None:
        self.key = key
        self.label = label  # what stats count it under (the symbol as shown)
        self.notify = notify  # wakes the client's writer; called on the publishing side
        self.max_bytes = max_bytes
        self._message: LiveMessage | None = None  # the one message held, while unmerged
        self._pending: dict[int, bytes] | None = None  # merged bars, once two messages met
        self.pending_bytes = 0
        self.reset = False
        self.overflowed = False

    def offer(self, message: LiveMessage) -> None:
        """Take a published message (never blocks, never grows past ``max_bytes``)."""
        if self.overflowed:
            return
        if message.reset:
            self.reset = True
            self._message, self._pending, self.pending_bytes = None, None, 0
        elif self._message is None and self._pending is None:
            self._message = message  # the common case: the reader keeps up; nothing copied
            self.pending_bytes = message.size
        else:
            pending = self._pending
            if pending is None:
                held = self._message
                assert held is not None
                pending = self._pending = dict(zip(held.times, held.bars, strict=True))
                self._message = None
            live_counters.coalesced += 1
            for time, bar in zip(message.times, message.bars, strict=True):
                old = pending.get(time)
                self.pending_bytes += len(bar) - (len(old) if old is not None else 0)
                pending[time] = bar
            if self.pending_bytes > self.max_bytes:
                live_counters.dropped += 1
                self.overflowed = True
                self._pending, self.pending_bytes = None, 0
        self.notify()

    def take(self) -> tuple[bool, LiveMessage | None]:
        """(reset asked, the bars to send) and forget them."""
        reset, self.reset = self.reset, False
        message = self._message
        if self._pending is not None:
            times = sorted(self._pending)
            message = LiveMessage(tuple(times), tuple(self._pending[t] for t in times))
        self._message, self._pending, self.pending_bytes = None, None, 0
        return reset, message

    def single(self) -> LiveMessage | None:
        """The one message held as published (no reset, nothing merged), else None."""
        return None if self.reset or self._pending is not None else self._message

    @property
    def has_pending(self) -> bool:
        return self.reset or self._message is not None or self._pending is not None


class Hub(Protocol):
    """Publish/subscribe by stream key; implementations: ``MemoryHub`` (LIVE_BACKEND=memory),
    ``RedisHub`` (LIVE_BACKEND=redis). ``publish`` is synchronous: producers never wait."""

    def publish(self, stream_key: str, message: LiveMessage) -> None: ...

    def subscribe(
        self,
        stream_key: str,
        *,
        label: str,
        notify: Callable[[], None],
        max_bytes: int,
        fields: tuple[str, ...] = (),
    ) -> Subscription:
        """``fields``: the stream's bar record fields (a backend that hears bars from outside
        the process checks them against it)."""

    def unsubscribe(self, subscription: Subscription) -> None: ...

    def stats(self) -> dict[str, object]: ...

    def start(self) -> None:
        """Begin any background work (connecting); called in the event loop, at app start."""

    async def close(self) -> None:
        """Stop it (app shutdown)."""


class _Members:
    """One stream's subscriptions: a dict keyed by subscription (O(1) to join and to leave, in
    joining order) and the tuple publish hands a message out from, rebuilt on the first publish
    after a change. A tuple, not the dict itself: a subscriber that leaves while a message is
    being handed out (a slow client closed) must not change what the loop walks."""

    __slots__ = ("handout", "members")

    def __init__(self) -> None:
        self.members: dict[Subscription, None] = {}
        self.handout: tuple[Subscription, ...] | None = ()


class MemoryHub:
    """In-process fan-out: publish hands the message to every subscription of the key, in the
    publisher's task (each ``offer`` is a few dict operations; sending is the writers' job).
    Subscribing and leaving cost O(1) whatever the number of clients on the stream."""

    def __init__(self) -> None:
        self._streams: dict[str, _Members] = {}

    def publish(self, stream_key: str, message: LiveMessage) -> None:
        stream = self._streams.get(stream_key)
        if stream is None:
            return
        subscribers = stream.handout
        if subscribers is None:  # joined or left since the last message: once per change burst
            subscribers = stream.handout = tuple(stream.members)
        live_counters.sent += len(subscribers)  # counted per message, not per client
        for subscription in subscribers:
            subscription.offer(message)

    def subscribe(
        self,
        stream_key: str,
        *,
        label: str,
        notify: Callable[[], None],
        max_bytes: int,
        fields: tuple[str, ...] = (),
    ) -> Subscription:
        subscription = Subscription(stream_key, label, notify, max_bytes)
        stream = self._streams.get(stream_key)
        if stream is None:
            stream = self._streams[stream_key] = _Members()
        stream.members[subscription] = None
        stream.handout = None
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        stream = self._streams.get(subscription.key)
        if stream is None or stream.members.pop(subscription, False) is False:
            return  # not subscribed (left already)
        stream.handout = None
        if not stream.members:
            del self._streams[subscription.key]

    def subscribers(self, stream_key: str) -> int:
        stream = self._streams.get(stream_key)
        return 0 if stream is None else len(stream.members)

    def stats(self) -> dict[str, object]:
        per_label: Counter[str] = Counter()
        total = 0
        for stream in self._streams.values():
            for subscription in stream.members:
                per_label[subscription.label] += 1
                total += 1
        return {"total_subscriptions": total, "symbol_subscribers": dict(per_label)}

    def start(self) -> None:
        pass

    async def close(self) -> None:
        pass


def make_hub(settings: Settings) -> Hub:
    """The hub LIVE_BACKEND names: ``memory`` or ``redis`` (REDIS_URL)."""
    if settings.live_backend == "memory":
        return MemoryHub()
    if settings.live_backend == "redis":
        from app.live.redis_hub import RedisHub  # redis-py is imported only when used

        return RedisHub(settings)
    raise ValueError(f"unknown LIVE_BACKEND {settings.live_backend!r}; use memory or redis")
