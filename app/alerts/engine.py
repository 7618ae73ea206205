"""The process's alert engine: armed alerts grouped by stream, fired on live bars.

Alerts come from the store: at start, on each create or delete through the API, and by a sync
every ALERTS_SYNC_S (alerts made or removed by another replica). A firing goes at once to the
owner's open pages on this process; then it is recorded (the event, the alert's count, a
``once`` alert's state) in one transaction per pass by a single recorder task, whose claim makes
each alert fire once per bar however many replicas evaluate it; recorded events with a webhook
are queued for ``WebhookSender``. With LIVE_BACKEND=redis only the stream's lease holder records
and sends webhooks (every replica still tells its own pages).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from app.alerts.conditions import parse_condition
from app.alerts.evaluation import ArmedAlert, StreamAlerts
from app.alerts.pages import ENGINES, PageHub
from app.alerts.webhooks import WebhookSender
from app.core.errors import SuperChartError
from app.core.timeframes import parse_timeframe
from app.store import alerts as queries
from app.store.errors import StoreError, StoreLimitError

if TYPE_CHECKING:
    from app.config import Settings
    from app.live.service import LiveService
    from app.store import Store

logger = logging.getLogger(__name__)
RECORD_QUEUE = 1000  # passes with firings waiting for the database
WARN_EVERY_S = 60.0
SYNC_BATCH = 500  # alerts read per query when arming what another replica made


class AlertEngine:
    def __init__(self, service: LiveService, store: Store, settings: Settings) -> None:
        self.service = service
        self.store = store
        self.settings = settings
        self.pages = PageHub()
        self.webhooks = WebhookSender(settings, self._webhook_result)
        self.streams: dict[tuple[str, str], StreamAlerts] = {}
        self.alerts: dict[str, StreamAlerts] = {}  # alert id -> its stream
        self.fired_once: set[str] = set()  # ``once`` alerts fired here, until the store agrees
        self.armed_at: dict[str, float] = {}  # a sync read before then does not disarm it
        self._records: asyncio.Queue[list[dict[str, Any]]] = asyncio.Queue(RECORD_QUEUE)
        self._tasks: list[asyncio.Task] = []
        self._opening: dict[tuple[str, str], asyncio.Future] = {}
        self._warned = 0.0
        ENGINES[service] = self

    # -- life -------------------------------------------------------------------------------

    def start(self) -> None:
        self.webhooks.start()
        self._tasks = [
            asyncio.create_task(self._record_loop()),
            asyncio.create_task(self._sync_loop()),
        ]

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.webhooks.close()
        for stream in self.streams.values():
            stream.close()
        self.streams.clear()

    # -- arming -------------------------------------------------------------------------------

    async def arm(self, alert: dict[str, Any]) -> None:
        """Evaluate ``alert`` from now on; SuperChartError (as /api/ohlcv's) for an unknown
        symbol or a timeframe the data cannot give."""
        if alert["id"] in self.alerts or alert["id"] in self.fired_once:
            return
        condition = parse_condition(alert["condition"])
        timeframe = parse_timeframe(alert["timeframe"])
        key = (alert["symbol"].strip().lower(), timeframe.name)
        stream = self.streams.get(key)
        if stream is None:
            opening = self._opening.get(key)
            if opening is None:
                opening = asyncio.ensure_future(self._open(key, alert["symbol"], timeframe))
                self._opening[key] = opening
                opening.add_done_callback(lambda _f: self._opening.pop(key, None))
            stream = await asyncio.shield(opening)
        if alert["id"] in self.alerts:
            return
        stream.add(ArmedAlert.of(alert, condition))
        self.alerts[alert["id"]] = stream
        self.armed_at[alert["id"]] = time.monotonic()

    async def check_stream(self, symbol: str, timeframe: Any) -> None:
        """SuperChartError unless the live stream of (symbol, timeframe) can be opened."""
        key = (symbol.strip().lower(), timeframe.name)
        if key in self.streams:
            return
        cap = self.settings.alerts_max_streams
        if len(self.streams) + len(self._opening) >= cap:
            raise StoreLimitError(
                f"alerts already follow {cap} symbol/timeframe streams (ALERTS_MAX_STREAMS); "
                "use a stream that has alerts, or delete some."
            )
        channel = await self.service.acquire(symbol, timeframe, (), ())
        self.service.release(channel)

    async def _open(self, key: tuple[str, str], symbol: str, timeframe: Any) -> StreamAlerts:
        stream = StreamAlerts(self, key)
        await stream.open(symbol, timeframe)
        self.streams[key] = stream
        return stream

    def disarm(self, alert_id: str) -> None:
        stream = self.alerts.pop(alert_id, None)
        self.armed_at.pop(alert_id, None)
        if stream is None:
            return
        stream.alerts.pop(alert_id, None)
        if not stream.alerts and self.streams.get(stream.key) is stream:
            del self.streams[stream.key]
            stream.close()

    # -- firing -------------------------------------------------------------------------------

    def fired(
        self,
        stream: StreamAlerts,
        fired: list[ArmedAlert],
        expired: list[ArmedAlert],
        bar_time: int,
        price: float,
    ) -> None:
        """Pages now; the record (and webhooks) through the recorder task."""
        records = []
        holder = self._holds(stream)
        for alert in fired:
            message = alert.message or (
                f"{alert.symbol} {alert.timeframe}: {alert.condition.describe()} (close {price:g})"
            )
            body = {
                "alert": alert.id,
                "symbol": alert.symbol,
                "timeframe": alert.timeframe,
                "time": bar_time,
                "price": price,
                "message": message,
            }
            pages = self.pages.send(alert.owner, {**body, "condition": alert.condition.as_json()})
            if alert.frequency == "once":
                self.fired_once.add(alert.id)
                self.alerts.pop(alert.id, None)
                self.armed_at.pop(alert.id, None)
            if holder:
                extra = {"frequency": alert.frequency, "webhook_url": alert.webhook_url}
                records.append({**body, **extra, "pages": pages})
        for alert in expired:
            self.alerts.pop(alert.id, None)
            self.armed_at.pop(alert.id, None)
        if expired and holder:
            records.append({"expired": [alert.id for alert in expired]})
        if not stream.alerts and self.streams.get(stream.key) is stream:
            del self.streams[stream.key]
            stream.close()
        if records:
            try:
                self._records.put_nowait(records)
            except asyncio.QueueFull:
                self._warn("alerts: the database is behind; firings not recorded")

    def _holds(self, stream: StreamAlerts) -> bool:
        """With the Redis hub: whether this replica holds the stream's lease (or Redis is down
        and every replica serves its own); always with the memory hub."""
        streams = getattr(self.service.hub, "streams", None)
        if streams is None or stream.tap is None:
            return True
        state = streams.get(stream.tap.key)
        role = getattr(getattr(state, "role", None), "name", "LOCAL")
        return role != "FOLLOWER"

    async def _record_loop(self) -> None:
        history = self.settings.alerts_history_max
        while True:
            records = await self._records.get()
            firings = [r for r in records if "alert" in r]
            expired = [i for r in records for i in r.get("expired", ())]
            try:
                ids = await asyncio.to_thread(self._record, firings, expired, history)
            except StoreError as exc:
                self._warn(f"alerts: firings not recorded: {exc}")
                continue
            for firing, event_id in zip(firings, ids, strict=True):
                if event_id and firing["webhook_url"]:
                    payload = {k: firing[k] for k in ("alert", "symbol", "timeframe", "time")}
                    payload |= {"price": firing["price"], "message": firing["message"]}
                    if not self.webhooks.offer(event_id, firing["webhook_url"], payload):
                        self._webhook_result(event_id, "dropped")

    def _record(self, firings: list[dict], expired: list[str], history: int) -> list[int]:
        with self.store.session() as session:
            if expired:
                queries.expire_alerts(session, expired)
            return queries.record_firings(session, firings, history)

    def _webhook_result(self, event_id: int, result: str) -> None:
        def save() -> None:
            with self.store.session() as session:
                queries.set_webhook_result(session, event_id, result)

        task = asyncio.ensure_future(asyncio.to_thread(save))
        task.add_done_callback(lambda t: t.cancelled() or t.exception())

    # -- sync with the store --------------------------------------------------------------------

    async def _sync_loop(self) -> None:
        while True:
            try:
                await self.sync()
            except StoreError as exc:
                self._warn(f"alerts: store unavailable, alerts not synced: {exc}")
            except Exception:
                logger.exception("alerts: sync failed")
            await asyncio.sleep(self.settings.alerts_sync_s)

    async def sync(self) -> None:
        """Arm what the store holds armed, disarm what it no longer does."""

        def read_ids() -> set[str]:
            with self.store.session() as session:
                return queries.armed_ids(session)

        def read(ids: list[str]) -> list[dict[str, Any]]:
            with self.store.session() as session:
                return queries.alerts_by_id(session, ids)

        started = time.monotonic()
        ids = await asyncio.to_thread(read_ids)
        for alert_id in [a for a in self.alerts if a not in ids]:
            if self.armed_at.get(alert_id, 0.0) < started:
                self.disarm(alert_id)
        self.fired_once &= ids  # the store has caught up with the rest
        new = [i for i in ids if i not in self.alerts and i not in self.fired_once]
        for start in range(0, len(new), SYNC_BATCH):
            for alert in await asyncio.to_thread(read, new[start : start + SYNC_BATCH]):
                if alert["id"] in self.alerts or alert["id"] in self.fired_once:
                    continue
                if alert["expires"] is not None and alert["expires"] <= time.time():
                    continue
                try:
                    await self.arm(alert)
                except SuperChartError as exc:
                    self._warn(f"alerts: {alert['id']} on {alert['symbol']!r} not armed: {exc}")

    def _warn(self, message: str) -> None:
        now = time.monotonic()
        if now - self._warned > WARN_EVERY_S:
            self._warned = now
            logger.warning(message)
