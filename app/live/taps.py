"""An in-process subscriber to a live stream, as a ``WS /ws`` client would be: the quotes of a
watchlist and the server's alerts follow bars this way, with no browser open.

A tap holds the channel of (symbol, timeframe) without EMAs or indicators and a hub
subscription on it. The hub calls ``notify`` in the publishing task; the tap runs its callback
once on the next turn of the event loop with what came meanwhile (coalesced by the
subscription), so any number of bar changes in one turn cost one call.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.core.timeframes import Timeframe
from app.live.bars import BarBook
from app.live.hub import LiveMessage, Subscription
from app.live.streams import Channel

if TYPE_CHECKING:
    from app.live.service import LiveService

logger = logging.getLogger(__name__)
TAP_BUFFER_BYTES = 4 * 1_048_576  # held between two turns of the loop at most


class StreamTap:
    """One stream followed in-process; ``close`` lets go of it."""

    def __init__(
        self,
        service: LiveService,
        channel: Channel,
        on_change: Callable[[StreamTap, bool, LiveMessage | None], None],
    ) -> None:
        self.service = service
        self.channel = channel
        self.on_change = on_change
        self.subscription: Subscription | None = None
        self._scheduled = False
        self._subscribe()

    @classmethod
    async def open(
        cls,
        service: LiveService,
        symbol: str,
        timeframe: Timeframe | None,
        on_change: Callable[[StreamTap, bool, LiveMessage | None], None],
    ) -> StreamTap:
        """SuperChartError (as ``/api/ohlcv``'s) for an unknown symbol or a bad timeframe."""
        channel = await service.acquire(symbol, timeframe, (), ())
        return cls(service, channel, on_change)

    @property
    def key(self) -> str:
        return self.channel.key

    @property
    def symbol(self) -> str:
        return self.channel.producer.feed.name

    @property
    def timeframe(self) -> Timeframe:
        return self.channel.producer.timeframe

    @property
    def bars(self) -> BarBook:
        """The stream's bars (read on the event loop, where they change)."""
        return self.channel.bars

    def _subscribe(self) -> None:
        self.subscription = self.service.hub.subscribe(
            self.channel.key, label="(server)", notify=self._notify, max_bytes=TAP_BUFFER_BYTES
        )

    def _notify(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._run)

    def _run(self) -> None:
        self._scheduled = False
        subscription = self.subscription
        if subscription is None:
            return
        if subscription.overflowed:  # a reset is owed: start afresh from the bars held
            self.service.hub.unsubscribe(subscription)
            self._subscribe()
            reset, message = True, None
        else:
            reset, message = subscription.take()
        try:
            self.on_change(self, reset, message)
        except Exception:
            logger.exception("live tap on %s failed", self.channel.key)

    def close(self) -> None:
        if self.subscription is not None:
            self.service.hub.unsubscribe(self.subscription)
            self.subscription = None
            self.service.release(self.channel)
