"""Alert webhooks: a bounded queue and a few workers, so a slow or dead receiver never holds
up the live path. Each delivery is ``POST`` JSON ``{"alert", "symbol", "timeframe", "time",
"price", "message"}``, retried with backoff (0.5 s doubling) on a connection error, a timeout,
a 408/429 or a 5xx, within ALERT_WEBHOOK_TIMEOUT_S per attempt and ALERT_WEBHOOK_DEADLINE_S in
all; redirects are not followed and the reply's body is never read. A full queue drops the
delivery (its event says ``dropped``) with a warning at most once a minute."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import orjson

from app.alerts.webhook_hosts import delivery_allowed
from app.core.redact import safe_url

if TYPE_CHECKING:
    from app.config import Settings

logger = logging.getLogger(__name__)
FIRST_BACKOFF_S = 0.5
WARN_EVERY_S = 60.0


class WebhookSender:
    def __init__(self, settings: Settings, on_result: Callable[[int, str], None]) -> None:
        self.allowed = tuple(settings.alert_webhook_hosts)
        self.timeout = settings.alert_webhook_timeout_s
        self.deadline = settings.alert_webhook_deadline_s
        self.retries = settings.alert_webhook_retries
        self.workers = settings.alert_webhook_workers
        self.queue: asyncio.Queue[tuple[int, str, bytes]] = asyncio.Queue(
            settings.alert_webhook_queue
        )
        self.on_result = on_result
        self.dropped = 0
        self._warned = 0.0
        self._tasks: list[asyncio.Task] = []
        self._client: httpx.AsyncClient | None = None

    def start(self) -> None:
        self._client = httpx.AsyncClient(
            timeout=self.timeout, follow_redirects=False, trust_env=False
        )
        self._tasks = [asyncio.create_task(self._work()) for _ in range(self.workers)]

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()

    def offer(self, event_id: int, url: str, payload: dict[str, Any]) -> bool:
        """Queue a delivery (never waits); False when the queue is full."""
        try:
            self.queue.put_nowait((event_id, url, orjson.dumps(payload)))
            return True
        except asyncio.QueueFull:
            self.dropped += 1
            now = time.monotonic()
            if now - self._warned > WARN_EVERY_S:
                self._warned = now
                logger.warning(
                    "alerts: webhook queue full (ALERT_WEBHOOK_QUEUE); %d deliveries dropped",
                    self.dropped,
                )
            return False

    async def _work(self) -> None:
        while True:
            event_id, url, body = await self.queue.get()
            try:
                result = await self.deliver(url, body)
            except Exception:
                logger.exception("alerts: webhook delivery to %s failed", safe_url(url))
                result = "failed"
            self.on_result(event_id, result)

    async def deliver(self, url: str, body: bytes) -> str:
        """``sent``, ``refused`` (host not allowed) or ``failed`` (after retries / deadline)."""
        if not await delivery_allowed(url, self.allowed):
            logger.warning(
                "alerts: webhook host of %s refused (ALERT_WEBHOOK_HOSTS)", safe_url(url)
            )
            return "refused"
        assert self._client is not None
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.deadline
        delay = FIRST_BACKOFF_S
        headers = {"Content-Type": "application/json", "User-Agent": "SuperChart-Alerts/1"}
        for attempt in range(self.retries + 1):
            left = give_up - loop.time()
            if left <= 0:
                break
            try:
                async with asyncio.timeout(min(self.timeout, left)):
                    request = self._client.build_request("POST", url, content=body, headers=headers)
                    response = await self._client.send(request, stream=True)
                    status = response.status_code
                    await response.aclose()  # the reply's body is never read
                if 200 <= status < 300:
                    return "sent"
                if 400 <= status < 500 and status not in (408, 429):
                    return "failed"
            except (httpx.HTTPError, TimeoutError, OSError):
                pass
            if attempt < self.retries and loop.time() + delay < give_up:
                await asyncio.sleep(delay)
                delay *= 2
            else:
                break
        return "failed"
