"""The live service of one process: the hub, the feeds and producers in use, the client count.

Channels are reference-counted: the first subscription to a (symbol, timeframe) starts its
producer (and the symbol's feed, if it is the symbol's first), the last one to leave stops
them. Opening a feed loads the history through the configured data source, so an unknown
symbol or a bad timeframe fails with the same error (and words) as ``/api/ohlcv``.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import pandas as pd

from app.core import get_data_source
from app.core.heikin_ashi import ChartType
from app.core.sources.configured import get_registry
from app.core.timeframes import Timeframe
from app.live.bars import BarBook
from app.live.hub import Hub, make_hub
from app.live.pauses import PauseMonitor
from app.live.replay_streams import ReplayStreams
from app.live.send_sweep import SendSweep
from app.live.source_feeds import load_history, poll_fetch, request_key, source_route
from app.live.sources import FileFollower, poll_broker
from app.live.streams import Channel, Producer, SymbolFeed, channel_key
from app.live.watch import DirectoryWatch

if TYPE_CHECKING:
    from app.config import Settings
    from app.core.sources.registry import Route

logger = logging.getLogger(__name__)
POLL_BARS = 1000  # bars asked per poll, from the last one held


class LiveService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.hub: Hub = make_hub(settings)
        self.source = get_data_source(settings)
        self.clients = 0
        self.connections: set = set()  # LiveClient: while any, the send-timeout sweep runs
        self.sending: set = set()  # LiveClient whose writer is mid-send (``Outbox._sending``)
        self.send_sweep = SendSweep(settings.live_send_timeout_s, self.connections, self.sending)
        self.feeds: dict[str, SymbolFeed] = {}
        self._opening: dict[str, asyncio.Future] = {}
        self.channels: dict[str, Channel] = {}
        self.watch = DirectoryWatch(
            settings.data_dir, settings.live_watch_debounce_ms, settings.live_watch_step_ms
        )
        self._followers: dict[str, FileFollower] = {}
        self._aliases: dict[str, str] = {}  # a routed request -> the key of the feed serving it
        self.replay_streams = ReplayStreams(settings)
        self.pauses = PauseMonitor()  # GC pauses and loop stalls (started with the app)
        self.shared_polls = None
        if settings.live_backend == "redis":  # one upstream reader per symbol across replicas
            from app.live.shared_upstream import SharedUpstreams

            self.shared_polls = SharedUpstreams(settings)

    def ensure_sweeper(self) -> None:
        """The send-timeout sweep runs while any client is connected (``app.live.send_sweep``)."""
        self.send_sweep.ensure_running()

    async def close(self) -> None:
        """App shutdown: the hub lets go of Redis (its leases pass to the other replicas)."""
        await self.pauses.stop()
        await self.hub.close()
        if self.shared_polls is not None:
            for feed in self.feeds.values():
                if feed.task is not None:
                    feed.task.cancel()
            await self.shared_polls.close()

    # -- stats ------------------------------------------------------------------------------

    def stats(self) -> dict[str, object]:
        """This process's clients and replays; a Redis hub adds ``backend`` and its
        connection's state."""
        hub = self.hub.stats()
        stats = {"total_clients": self.clients, **hub, "replays": self.replay_streams.stats()}
        stats["send_timeouts"] = self.send_sweep.closed
        stats["pauses"] = self.pauses.stats()
        if self.shared_polls is not None:
            stats["polls"] = self.shared_polls.stats()
        return stats

    # -- channels ---------------------------------------------------------------------------

    async def acquire(
        self,
        symbol: str,
        timeframe: Timeframe | None,
        periods: tuple[int, ...],
        specs: tuple,
        chart: ChartType = "candles",
        source_feed: str | None = None,
    ) -> Channel:
        """The channel for these parameters, started if new; SuperChartError as the HTTP API.
        ``source_feed`` is the request's ``feed`` (a source name, as on /api/ohlcv)."""
        route = source_route(self.settings, symbol, source_feed)
        if route is not None:
            feed = await self._source_feed(route)
        else:  # DATA_SOURCE's own symbol, maybe with its prefix (FILES:x on files is x)
            symbol = get_registry(self.settings).route(symbol).candidates[0].symbol
            feed = await self._feed(symbol, await self._file_timeframe(symbol, timeframe))
        try:
            tf = timeframe or feed.native
            producer = feed.producers.get(tf.name)
            if producer is None:
                producer = Producer(feed, tf, self.hub)  # TimeframeError if finer than data
                feed.producers[tf.name] = producer
            key = channel_key(feed.key, tf, periods, specs, chart)
            channel = producer.channels.get(key)
            if channel is None:
                channel = Channel(key, producer, periods, specs, chart)
                producer.channels[key] = channel
                self.channels[key] = channel
            channel.refs += 1
            return channel
        except BaseException:
            self._drop_idle(feed)
            raise

    def release(self, channel: Channel) -> None:
        channel.refs -= 1
        if channel.refs > 0:
            return
        producer = channel.producer
        producer.channels.pop(channel.key, None)
        self.channels.pop(channel.key, None)
        if not producer.channels:
            producer.feed.producers.pop(producer.timeframe.name, None)
        self._drop_idle(producer.feed)

    def _drop_idle(self, feed: SymbolFeed) -> None:
        if feed.producers or self.feeds.get(feed.key) is not feed:
            return
        del self.feeds[feed.key]
        for alias in [a for a, key in self._aliases.items() if key == feed.key]:
            del self._aliases[alias]
        follower = self._followers.pop(feed.key, None)
        if follower is not None:
            self.watch.remove(follower)
        if feed.task is not None:
            feed.task.cancel()

    # -- feeds ------------------------------------------------------------------------------

    async def _file_timeframe(self, symbol: str, timeframe: Timeframe | None) -> Timeframe | None:
        """A folder tree's file for ``timeframe`` when it is not the finest one (``1d`` has a
        file of its own: its feed follows that file, as /api/ohlcv reads it); else None."""
        entry_of = getattr(self.source, "entry", None)
        if timeframe is None or not callable(entry_of):
            return None
        entry = await asyncio.to_thread(entry_of, symbol)
        if not entry.is_tree:
            return None
        file_timeframe = entry.file_for(timeframe)[0]  # TimeframeError if finer than every file
        return None if file_timeframe is entry.files[0][0] else file_timeframe

    async def _feed(self, symbol: str, file_timeframe: Timeframe | None = None) -> SymbolFeed:
        key = str(symbol).strip().lower()
        if file_timeframe is not None:
            key += f"@{file_timeframe.name}"
        feed = self.feeds.get(key)
        if feed is not None:
            return feed
        opening = self._opening.get(key)
        if opening is None:
            opening = asyncio.ensure_future(self._open_feed(key, symbol, file_timeframe))
            self._opening[key] = opening
            opening.add_done_callback(lambda _f: self._opening.pop(key, None))
        return await asyncio.shield(opening)

    async def _source_feed(self, route: Route) -> SymbolFeed:
        """The feed of a symbol another source serves, shared by the name it was served under
        (one upstream poller per symbol)."""
        asked = "route:" + request_key(route)
        feed = self.feeds.get(self._aliases.get(asked, ""))
        if feed is not None:
            return feed
        opening = self._opening.get(asked)
        if opening is None:
            opening = asyncio.ensure_future(self._open_source_feed(asked, route))
            self._opening[asked] = opening
            opening.add_done_callback(lambda _f: self._opening.pop(asked, None))
        return await asyncio.shield(opening)

    async def _open_source_feed(self, asked: str, route: Route) -> SymbolFeed:
        bars = await asyncio.to_thread(load_history, self.settings, route)
        key = bars.shown_symbol.lower()
        feed = self.feeds.get(key)
        if feed is None:
            feed = SymbolFeed(key, bars.shown_symbol, BarBook.from_frame(bars.frame))
            fetch = await asyncio.to_thread(poll_fetch, self.settings, bars)
            feed.task = self._poll(feed, fetch)
            self.feeds[key] = feed
        self._aliases[asked] = key
        return feed

    async def _open_feed(
        self, key: str, symbol: str, file_timeframe: Timeframe | None = None
    ) -> SymbolFeed:
        frame, size, path = await self._load(symbol, file_timeframe)
        shown = getattr(self.source, "display_name", None)
        name = await asyncio.to_thread(shown, symbol) if callable(shown) else str(symbol)
        feed = SymbolFeed(key, name, BarBook.from_frame(frame))
        self.feeds[key] = feed
        settings = self.settings
        if settings.live_ws_url:
            from app.live.exchange import follow_exchange

            url = settings.live_ws_url
            feed.task = self._read(feed, lambda: follow_exchange(feed, url, settings), None)
        elif self.source.name == "api":
            feed.task = self._poll(feed, self._broker_fetch(symbol))
        elif path is not None:
            follower = FileFollower(feed, path, size, lambda: self._reload(symbol, file_timeframe))
            if self.shared_polls is None:
                self._followers[key] = follower
                await self.watch.add(follower)
            else:  # the lease holder follows the file; the others reload it when it is rewritten
                feed.task = self._read(feed, lambda: self._follow_file(follower), follower.reload)
        return feed

    def _read(
        self,
        feed: SymbolFeed,
        read: Callable[[], Awaitable[None]],
        resync: Callable[[], Awaitable[None]] | None,
    ) -> asyncio.Task:
        """The task keeping a pushed feed current: ``read`` itself, or with the Redis hub one
        reader per symbol across replicas (``app.live.shared_upstream``)."""
        if self.shared_polls is not None:
            return asyncio.create_task(self.shared_polls.follow(feed, read, resync))
        return asyncio.create_task(read())

    async def _follow_file(self, follower: FileFollower) -> None:
        """Watch the file until cancelled."""
        await self.watch.add(follower)
        try:
            await asyncio.Event().wait()
        finally:
            self.watch.remove(follower)

    async def _load(
        self, symbol: str, file_timeframe: Timeframe | None = None
    ) -> tuple[pd.DataFrame, int, object]:
        path = None
        size = 0
        if self.source.name == "csv":
            paths = await asyncio.to_thread(self.source.symbol_paths)  # may walk a tree
            path = paths.get(str(symbol).strip().lower())
            if path is not None and file_timeframe is not None:
                path = await asyncio.to_thread(self.source.path_of, symbol, file_timeframe)
            if path is not None:
                try:
                    size = os.stat(path).st_size  # before the load: the tail starts at or before
                except OSError:
                    size = 0
        frame = await asyncio.to_thread(self.source.load, symbol, file_timeframe)
        return frame, size, path

    async def _reload(
        self, symbol: str, file_timeframe: Timeframe | None = None
    ) -> tuple[pd.DataFrame, int]:
        frame, size, _path = await self._load(symbol, file_timeframe)
        return frame, size

    def _poll(
        self, feed: SymbolFeed, fetch: Callable[[pd.Timestamp | None], pd.DataFrame]
    ) -> asyncio.Task:
        """The task keeping a polled feed current: its own poll, or with the Redis hub one
        poller per symbol across replicas."""
        if self.shared_polls is not None:
            return asyncio.create_task(self.shared_polls.run(feed, fetch))
        return asyncio.create_task(poll_broker(feed, fetch, self.settings.live_poll_s))

    def _broker_fetch(self, symbol: str) -> Callable[[pd.Timestamp | None], pd.DataFrame]:
        """A fetch of the newest bars that bypasses the source's answer cache (a poll must see
        the forming bar change within the TTL)."""
        from app.core.sources.api import ApiSource

        settings = self.settings
        live_source = ApiSource(
            settings.data_api_base or "",
            settings.data_api_key,
            timeout=settings.request_timeout,
            cache_ttl=0,
            default_symbol=settings.default_symbol,
            default_timeframe=settings.default_timeframe,
        )

        def fetch(start: pd.Timestamp | None) -> pd.DataFrame:
            return live_source.load(symbol, None, limit=POLL_BARS, start=start)

        return fetch
