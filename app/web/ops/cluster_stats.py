"""/api/stats across replicas (Redis configured): each replica (each worker process) writes its
own live figures to Redis every few seconds, under a key that expires soon after it stops; the
route adds up every key still there as ``"cluster"``.

Each figure read back is checked (a number, within bounds) before it is added; a replica's key
that is not a JSON object of numbers is skipped. Redis away: no ``"cluster"`` part, no error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable

import orjson
import redis.asyncio as aioredis

logger = logging.getLogger(__name__)
PREFIX = "superchart:stats:"
PUBLISH_S = 2.0
EXPIRE_S = 10
MAX_REPLICAS = 1000
FIGURES = ("total_clients", "total_subscriptions")
FAILURES = (aioredis.RedisError, OSError, TimeoutError)


class ClusterStats:
    def __init__(self, url: str, timeout_s: float, stats: Callable[[], dict[str, object]]) -> None:
        self.stats = stats
        self.timeout_s = timeout_s
        self.replica = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._client = aioredis.Redis.from_url(
            url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s
        )
        self._task: asyncio.Task | None = None
        self._warned = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            figures = {name: self.stats().get(name, 0) for name in FIGURES}
            try:
                await self._client.set(PREFIX + self.replica, orjson.dumps(figures), ex=EXPIRE_S)
                self._warned = False
            except FAILURES as exc:
                if not self._warned:
                    logger.warning("cluster stats: Redis unavailable (%s)", type(exc).__name__)
                    self._warned = True
            await asyncio.sleep(PUBLISH_S)

    async def totals(self) -> dict[str, int] | None:
        """The sums over every replica that wrote lately, or None when Redis cannot say."""
        try:
            async with asyncio.timeout(self.timeout_s):
                keys = []
                async for key in self._client.scan_iter(match=PREFIX + "*", count=200):
                    keys.append(key)
                    if len(keys) >= MAX_REPLICAS:
                        break
                values = await self._client.mget(keys) if keys else []
        except FAILURES:
            return None
        totals = {"replicas": 0, **{name: 0 for name in FIGURES}}
        for value in values:
            try:
                figures = orjson.loads(value) if value is not None else None
            except orjson.JSONDecodeError:
                continue
            if not isinstance(figures, dict):
                continue
            numbers = [figures.get(name) for name in FIGURES]
            if not all(isinstance(n, int) and 0 <= n <= 10_000_000 for n in numbers):
                continue
            totals["replicas"] += 1
            for name, number in zip(FIGURES, numbers, strict=True):
                totals[name] += number
        return totals

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(*FAILURES):
            async with asyncio.timeout(self.timeout_s):
                await self._client.delete(PREFIX + self.replica)
        with contextlib.suppress(*FAILURES):
            await self._client.aclose()
