"""One subscription of one client: the hub's coalesced bars turned into its update frames.

``ClientSub`` holds what the subscription id needs to frame an update (its prefix) and the last
bar time sent, so no bar already in the snapshot is sent again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.live.hub import LiveMessage, Subscription
from app.live.protocol import frame_prefix
from app.live.streams import Channel


class ClientSub:
    """One live subscription of this client."""

    def __init__(self, request_id: str, channel: Channel, limit: int) -> None:
        self.id = request_id
        self.channel = channel
        self.limit = limit
        producer = channel.producer
        self.symbol = producer.feed.name
        self.timeframe = producer.timeframe.name
        self.prefix = frame_prefix("update", request_id, self.symbol, self.timeframe)
        self.subscription: Subscription | None = None
        self.ready = False  # its snapshot is queued: updates may follow
        self.last_time: int | None = None
        self.status_listener: Callable[[Any], None] | None = None  # the feed's status -> frame
        self.status: bytes | None = None  # the newest status frame not sent yet

    def update_frame(self, message: LiveMessage) -> bytes | None:
        """The update frame for these bars, leaving out any older than the last one sent (a
        bar already in the snapshot); None when nothing is left."""
        times, bars = message.times, message.bars
        last = self.last_time
        if last is not None and times and times[0] < last:
            keep = [i for i, t in enumerate(times) if t >= last]
            if not keep:
                return None
            times = tuple(times[i] for i in keep)
            bars = tuple(bars[i] for i in keep)
            body = b"[" + b",".join(bars) + b"]"
        elif not times:
            return None
        else:
            body = message.joined
        self.last_time = times[-1]
        return self.prefix + body + b"}"
