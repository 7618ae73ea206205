"""The live hub over Redis pub/sub (LIVE_BACKEND=redis): ``WS /ws`` served by several replicas.

What an operator gets, with N replicas behind a load balancer on the same data (one DATA_DIR,
one broker) and one Redis (REDIS_URL):
- Each bar change reaches every client once, whichever replica it is connected to. Every
  replica still runs its own producers (its snapshots come from its own history, loaded as with
  LIVE_BACKEND=memory), but for each stream (symbol, timeframe, EMAs, indicators) only the
  replica holding the stream's lease in Redis (``SET NX PX``, renewed every third of
  LIVE_REDIS_LEASE_MS) sends bars: to its own clients directly, and PUBLISHed to the others,
  which hand them to theirs. A replica takes the lease when its first client subscribes to the
  stream and gives it back when its last one leaves (another replica takes it at once). A
  replica that dies keeps it until it expires (LIVE_REDIS_LEASE_MS); the next replica to renew
  takes over and first sends the bars it held back meanwhile, so none produced while nobody
  published is lost. A bar state a replica's clients already have is never sent to them again.
- A reset (a file rewritten: history replaced) crosses too; each replica also resets its own
  clients when it sees the change itself, so a follower's clients may get two snapshots.
- Redis unreachable at start, or lost later: one warning naming the URL (a reminder each
  minute), and meanwhile every replica sends its own bars to its own clients, as with
  LIVE_BACKEND=memory: charts stay live. Reconnection with backoff, 0.2 s doubling to 5 s
  (``app.live.redis_link``); every Redis call has a deadline (LIVE_REDIS_TIMEOUT_S). When Redis
  answers again (a warning says so), the leases settle and bars go through Redis again.
- Nothing from Redis is trusted (``app.live.redis_checks``): a message reaches clients only if
  its envelope, its size, its bars (exactly the stream's fields, of their types) and, with
  LIVE_REDIS_SECRET, its signature are right, and it comes from the stream's lease holder (a
  sender that is not the holder Redis last named is looked up again, at most every
  ``HOLDER_LOOKUP_S`` per stream). Anything else is dropped, counted (``dropped``) and warned
  about once a minute at most; the connection stays up.
- ``/api/stats`` counts this replica's clients and subscriptions (the contract's fields; sum
  them over replicas for the cluster), plus ``"backend": "redis"`` and
  ``"redis": {"connected", "streams", "leases_held", "outbox_resets", "dropped", "signed"}``.
- A holder whose Redis writes fall behind keeps the newest state per bar in a bounded outbox
  (LIVE_CLIENT_BUFFER_BYTES per stream); past it the others get a reset (a fresh snapshot from
  their own history) instead of a backlog, and a warning counts it.
- App shutdown gives the leases back and disconnects (``close``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.core.redact import safe_url
from app.live.hub import LiveMessage, MemoryHub, Subscription
from app.live.redis_checks import check_message, open_envelope
from app.live.redis_link import RedisLink
from app.live.redis_streams import Role, StreamState
from app.live.redis_wire import KIND_RELEASED, new_origin

if TYPE_CHECKING:
    from app.config import Settings

logger = logging.getLogger("app.live.redis_hub")
DROP_WARNING_S = 60.0  # at most one warning this often about dropped messages
ENVELOPE_SLACK_BYTES = 65_536  # over twice the bars' bytes (JSON-in-JSON escapes quotes)
Opened = tuple[StreamState, bytes, "LiveMessage | None"]  # stream, sender's id, bars


class RedisHub:
    """``Hub`` over Redis: a local ``MemoryHub`` for this replica's clients; which bars reach
    them (its own, or the lease holder's from Redis) is decided here, per stream key; the
    connection, the pub/sub listener and the leases are ``RedisLink``'s."""

    def __init__(self, settings: Settings) -> None:
        self.local = MemoryHub()
        self.url = settings.redis_url
        self.shown_url = safe_url(settings.redis_url)
        self.prefix = settings.live_redis_prefix
        self.lease_ms = settings.live_redis_lease_ms
        self.timeout = settings.live_redis_timeout_s
        self.outbox_bytes = settings.live_client_buffer_bytes
        self.origin = new_origin()
        secret = settings.live_redis_secret
        self.secret = secret.get_secret_value().encode() if secret is not None else None
        self.max_envelope_bytes = 2 * self.outbox_bytes + ENVELOPE_SLACK_BYTES
        self.streams: dict[str, StreamState] = {}
        self.outbox_resets = 0
        self.dropped = 0
        self._dropped_warned = 0  # ``dropped`` at the last warning
        self._drop_warning_at: float | None = None
        self.link = RedisLink(self)

    # -- the Hub interface --------------------------------------------------------------------

    def publish(self, stream_key: str, message: LiveMessage) -> None:
        stream = self.streams.get(stream_key)
        if stream is None:
            return
        role = self._role(stream)
        if message.reset:  # always local too: this replica saw its own history change
            stream.drop_held(reset=False)
        elif role is Role.FOLLOWER:
            stream.hold_back(message)
            return
        self._deliver(stream, message)
        if role is Role.HOLDER:
            stream.outbox.offer(message)

    def subscribe(
        self,
        stream_key: str,
        *,
        label: str,
        notify: Callable[[], None],
        max_bytes: int,
        fields: tuple[str, ...] = (),
    ) -> Subscription:
        subscription = self.local.subscribe(
            stream_key, label=label, notify=notify, max_bytes=max_bytes
        )
        if stream_key not in self.streams:
            ready = self.link.outbox_ready(stream_key)
            stream = StreamState(stream_key, fields, self.outbox_bytes, ready)
            stream.listening = self.link.up and stream_key in self.link.listening
            self.streams[stream_key] = stream
            self.link.wake()  # SUBSCRIBE to it
        self.link.start()
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self.local.unsubscribe(subscription)
        key = subscription.key
        if not self.local.subscribers(key) and self.streams.pop(key, None) is not None:
            self.link.wake()  # UNSUBSCRIBE, give the lease back

    def stats(self) -> dict[str, object]:
        stats = self.local.stats()
        stats["backend"] = "redis"
        stats["redis"] = {
            "connected": self.link.up,
            "streams": len(self.streams),
            "leases_held": len(self.link.held),
            "outbox_resets": self.outbox_resets,
            "dropped": self.dropped,
            "signed": self.secret is not None,
        }
        return stats

    def start(self) -> None:
        """Start connecting (in the background: the app serves meanwhile, from local bars)."""
        self.link.start()

    async def close(self) -> None:
        await self.link.close()

    # -- routing --------------------------------------------------------------------------------

    def _role(self, stream: StreamState) -> Role:
        if not self.link.up:
            return Role.LOCAL
        if stream.role is Role.FOLLOWER and time.monotonic() > stream.follow_until:
            stream.role = Role.LOCAL  # no renewal has confirmed the holder lately
            self._flush_held(stream)
        return stream.role

    def _flush_held(self, stream: StreamState) -> None:
        """No longer following: this replica's clients get the bars it held back."""
        held = stream.catch_up()
        if held is not None:
            self._deliver(stream, held)

    def _deliver(self, stream: StreamState, message: LiveMessage) -> None:
        fresh = stream.fresh(message)
        if fresh is not None:
            self.local.publish(stream.key, fresh)

    # -- what the link reports ------------------------------------------------------------------

    def opened(self, key: str, data: object) -> Opened | None:
        """A message on a stream's channel, checked but for its sender: (the stream, the sender's
        id, its bars or None for a release); None if not for us (our own echo, a stream left).
        RejectedMessage for anything a replica would not send."""
        stream = self.streams.get(key)
        if stream is None:
            return None
        origin, kind, _signed, payload = open_envelope(data, self.secret, self.max_envelope_bytes)
        if origin == self.origin:
            return None  # our own, echoed
        if kind == KIND_RELEASED:
            return stream, origin, None
        return stream, origin, check_message(payload, stream.fields)

    def accept(self, stream: StreamState, message: LiveMessage | None) -> None:
        """A checked message from the stream's lease holder (None: it gave the lease back)."""
        if self.streams.get(stream.key) is not stream:
            return
        if message is None:
            self.link.wake()  # try to take the lease now
            return
        stream.heard(message)
        if self._role(stream) is not Role.HOLDER:  # two holders for a moment: ours win here
            self._deliver(stream, message)

    def drop(self, key: str, reason: str) -> None:
        """Count a message not forwarded; warn about the first, then at most once a minute."""
        self.dropped += 1
        now = time.monotonic()
        if self._drop_warning_at is not None and now - self._drop_warning_at < DROP_WARNING_S:
            return
        since = self.dropped - self._dropped_warned
        self._drop_warning_at, self._dropped_warned = now, self.dropped
        logger.warning(
            "live: dropped %d message(s) from Redis not sent by a replica of this service "
            "(last on %s: %s; %d in all, /api/stats redis.dropped). Only the service should "
            "reach this Redis: give it a password or an ACL user in REDIS_URL, and set "
            "LIVE_REDIS_SECRET to sign messages",
            since,
            key,
            reason,
            self.dropped,
        )

    def listening(self, key: str, yes: bool) -> bool:
        """Redis confirmed (or ended) our subscription to ``key``; False if no longer served."""
        stream = self.streams.get(key)
        if stream is not None:
            stream.listening = yes
        return stream is not None

    def lease_settled(self, key: str, holder: bytes | None, until: float) -> None:
        """The renewal's answer for ``key``: the holder's id, ours (take over if new) or another
        replica's (good until ``until``, when the holder's lease could have expired unseen)."""
        stream = self.streams.get(key)
        if stream is None:
            return
        stream.holder = holder
        if holder != self.origin:
            stream.role, stream.follow_until = Role.FOLLOWER, until
        elif stream.role is not Role.HOLDER:
            stream.role = Role.HOLDER
            catch_up = stream.catch_up()  # first what the others may have missed
            if catch_up is not None:
                self._deliver(stream, catch_up)
                stream.outbox.offer(catch_up)

    def went_down(self) -> None:
        """Redis lost: every stream back to local fan-out, held-back bars delivered here."""
        for stream in self.streams.values():
            stream.role = Role.LOCAL
            stream.listening = False
            self._flush_held(stream)
            stream.outbox.take()
