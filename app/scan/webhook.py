"""Alerts out: one POST per flagged symbol to SCAN_WEBHOOK_URL, off the scan's path.

The scan only puts the alert in a bounded queue (a full queue drops it, counted); a worker
sends it, retried with exponential backoff within the alert's own deadline
(SCAN_WEBHOOK_TIMEOUT_S), so a slow or hanging receiver never holds a run up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import httpx

logger = logging.getLogger(__name__)

QUEUE_SIZE = 1000
WORKERS = 4
FIRST_BACKOFF_S = 0.25
MAX_REPLY_BYTES = 64 * 1024  # the receiver's answer is not read beyond this


class WebhookSender:
    def __init__(self, url: str, deadline_s: float) -> None:
        self.url = url
        self.deadline_s = deadline_s
        self.queue: asyncio.Queue[dict] = asyncio.Queue(QUEUE_SIZE)
        self.sent = self.failed = self.dropped = 0
        self._workers: list[asyncio.Task] = []
        self._client: httpx.AsyncClient | None = None

    def offer(self, alert: dict) -> None:
        """Queue ``alert`` without waiting (dropped and counted when the queue is full)."""
        if not self._workers:
            self._client = httpx.AsyncClient(timeout=self.deadline_s, follow_redirects=False)
            self._workers = [asyncio.create_task(self._work()) for _ in range(WORKERS)]
        try:
            self.queue.put_nowait(alert)
        except asyncio.QueueFull:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 100 == 0:
                logger.warning("scan webhook: queue full, %d alerts dropped", self.dropped)

    async def _work(self) -> None:
        while True:
            alert = await self.queue.get()
            try:
                async with asyncio.timeout(self.deadline_s):
                    await self._send_with_retries(alert)
                self.sent += 1
            except (TimeoutError, httpx.HTTPError, RuntimeError) as exc:
                self.failed += 1
                logger.warning(
                    "scan webhook for %s gave up: %s", alert.get("symbol"), type(exc).__name__
                )
            finally:
                self.queue.task_done()

    async def _send_with_retries(self, alert: dict) -> None:
        assert self._client is not None
        backoff = FIRST_BACKOFF_S
        while True:
            try:
                async with self._client.stream("POST", self.url, json=alert) as response:
                    async for _ in response.aiter_bytes(MAX_REPLY_BYTES):
                        break  # the status is the answer; the body is not ours to read
                    if response.status_code < 500 and response.status_code != 429:
                        if response.status_code >= 400:
                            raise RuntimeError(f"refused with {response.status_code}")
                        return
            except httpx.TransportError:
                pass  # refused, reset: try again within the deadline
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    def stats(self) -> dict[str, int]:
        return {
            "sent": self.sent,
            "failed": self.failed,
            "dropped": self.dropped,
            "queued": self.queue.qsize(),
        }

    async def close(self) -> None:
        for task in self._workers:
            task.cancel()
        for task in self._workers:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._client is not None:
            await self._client.aclose()
