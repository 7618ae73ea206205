"""What the Redis hub keeps per stream key this replica serves: its role, and three small buffers.

- ``recent``: the last state of the newest few bars delivered to this replica's clients, so a bar
  state heard twice (this replica's own producer and the holder, around a hand-over; two holders
  for a moment) reaches the clients once;
- ``held back``: while another replica holds the stream's lease, this replica's own bars are not
  sent but kept (newest state per bar, only bars at or after the newest one the holder sent,
  bounded in bytes): if the holder dies, the replica that takes over sends them first, so no
  bar produced while nobody published is lost;
- ``outbox``: while this replica holds the lease, what is still to be PUBLISHed, coalesced per
  bar like a client's queue (``Subscription``) and bounded in bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from app.live.hub import LiveMessage, Subscription

RECENT_BARS = 8  # bar times remembered for de-duplication
HELD_BACK_BYTES = 256 * 1024  # bars held back while following; past it the hand-over resets


class Role(Enum):
    LOCAL = "local"  # Redis down or the lease not settled yet: own bars to own clients
    HOLDER = "holder"  # ours: own bars to own clients and to Redis
    FOLLOWER = "follower"  # another replica's: its bars from Redis; own bars held back


class StreamState:
    """One stream key with local subscribers."""

    __slots__ = (
        "fields",
        "follow_until",
        "held",
        "held_bytes",
        "held_reset",
        "holder",
        "holder_checked",
        "holder_last",
        "key",
        "listening",
        "outbox",
        "recent",
        "role",
    )

    def __init__(
        self,
        key: str,
        fields: tuple[str, ...],
        outbox_bytes: int,
        outbox_ready: Callable[[], None],
    ) -> None:
        self.key = key
        self.fields = fields  # of each bar record: what a bar from Redis must hold, in order
        self.role = Role.LOCAL
        self.holder: bytes | None = None  # the lease holder's id, as Redis last told us
        self.holder_checked = 0.0  # monotonic time of the last lookup of it outside a renewal
        self.listening = False  # Redis confirmed our SUBSCRIBE to its channel
        self.follow_until = 0.0  # monotonic time the last "another replica holds it" is good to
        self.recent: dict[int, bytes] = {}
        self.holder_last: int | None = None  # newest bar time heard from the holder
        self.held: dict[int, bytes] = {}
        self.held_bytes = 0
        self.held_reset = False
        self.outbox = Subscription(key, key, outbox_ready, outbox_bytes)

    def fresh(self, message: LiveMessage) -> LiveMessage | None:
        """The part of ``message`` this replica's clients have not had (a bar state equal to
        the last one delivered for its time is dropped), recorded as delivered; None if none."""
        if message.reset:
            self.recent.clear()
            return message
        recent = self.recent
        keep = []
        for index, (time, bar) in enumerate(zip(message.times, message.bars, strict=True)):
            if recent.get(time) != bar:
                keep.append(index)
                recent[time] = bar
        if len(recent) > RECENT_BARS:
            for time in sorted(recent)[:-RECENT_BARS]:
                del recent[time]
        if not keep:
            return None
        if len(keep) == len(message.times):
            return message
        times = tuple(message.times[i] for i in keep)
        return LiveMessage(times, tuple(message.bars[i] for i in keep))

    def hold_back(self, message: LiveMessage) -> None:
        """Keep this replica's own bars while following (see the module docstring)."""
        floor = self.holder_last
        for time, bar in zip(message.times, message.bars, strict=True):
            if floor is not None and time < floor:
                continue
            old = self.held.get(time)
            self.held_bytes += len(bar) - (len(old) if old is not None else 0)
            self.held[time] = bar
        if self.held_bytes > HELD_BACK_BYTES:
            self.drop_held(reset=True)

    def heard(self, message: LiveMessage) -> None:
        """The holder sent ``message``: what it covers needs no holding back."""
        if message.reset:
            self.drop_held(reset=False)
            return
        if not message.times:
            return
        last = message.times[-1]
        if self.holder_last is None or last > self.holder_last:
            self.holder_last = last
        for time in [t for t in self.held if t < self.holder_last]:
            self.held_bytes -= len(self.held.pop(time))

    def drop_held(self, *, reset: bool) -> None:
        self.held.clear()
        self.held_bytes = 0
        self.held_reset = reset

    def catch_up(self) -> LiveMessage | None:
        """On taking the lease over: what the other replicas may have missed. The bars held
        back, over the last ones delivered here (others drop what they already have); a reset
        if the held-back bars overflowed."""
        if self.held_reset:
            self.drop_held(reset=False)
            return LiveMessage(reset=True)
        bars = {**self.recent, **self.held}
        self.drop_held(reset=False)
        if not bars:
            return None
        times = sorted(bars)
        return LiveMessage(tuple(times), tuple(bars[t] for t in times))
