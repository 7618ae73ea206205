"""The scan across replicas (Redis in use: REDIS_URL or LIVE_BACKEND=redis): the schedule and
the last run kept in Redis, so every replica answers the same status and follows the schedule
started on any of them, and a lease per scheduled time, so one replica runs each run.

Redis down: each replica goes on alone (its own schedule, every run its own), with a warning.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import TYPE_CHECKING

import orjson
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from app.scan.schedule import Schedule

if TYPE_CHECKING:
    from app.config import Settings

logger = logging.getLogger(__name__)

PREFIX = "superchart:scan:"
MAX_VALUE_BYTES = 256 * 1024  # what another replica wrote is read only up to this size


class SharedScanState:
    def __init__(self, settings: Settings) -> None:
        timeout = settings.live_redis_timeout_s
        self.client = aioredis.from_url(
            settings.redis_url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self.replica = f"{socket.gethostname()}:{os.getpid()}".encode()
        self.down = False

    def _failed(self, what: str, exc: Exception) -> None:
        if not self.down:
            logger.warning(
                "scan: Redis unavailable (%s: %s); this replica goes on alone", what, exc
            )
        self.down = True

    async def _get_json(self, key: str) -> dict | None:
        raw = await self.client.get(PREFIX + key)
        if raw is None or len(raw) > MAX_VALUE_BYTES:
            return None
        value = orjson.loads(raw)
        return value if isinstance(value, dict) else None

    async def save_schedule(self, schedule: Schedule | None) -> None:
        try:
            if schedule is None:
                await self.client.set(PREFIX + "schedule", b'{"schedule_type": null}')
            else:
                await self.client.set(PREFIX + "schedule", orjson.dumps(schedule.as_json()))
            self.down = False
        except RedisError as exc:
            self._failed("saving the schedule", exc)

    async def read_schedule(self) -> tuple[bool, Schedule | None]:
        """``(known, schedule)``: known is False when Redis has none or cannot be read."""
        try:
            value = await self._get_json("schedule")
            self.down = False
        except (RedisError, orjson.JSONDecodeError) as exc:
            self._failed("reading the schedule", exc)
            return False, None
        if value is None:
            return False, None
        kind = value.get("schedule_type")
        if kind == "interval" and isinstance(value.get("interval_seconds"), int):
            return True, Schedule("interval", interval_seconds=value["interval_seconds"])
        if kind == "cron" and isinstance(value.get("cron"), str):
            return True, Schedule("cron", cron=value["cron"][:120])
        return True, None

    async def claim(self, slot: int, ttl_s: int) -> bool:
        """Whether this replica runs the run of ``slot`` (True when Redis is down)."""
        try:
            won = await self.client.set(
                f"{PREFIX}run:{slot}", self.replica, nx=True, ex=max(1, ttl_s)
            )
            self.down = False
            return bool(won)
        except RedisError as exc:
            self._failed("taking a run's lease", exc)
            return True

    async def save_last_run(self, last_run: dict) -> None:
        try:
            await self.client.set(PREFIX + "last_run", orjson.dumps(last_run))
        except RedisError as exc:
            self._failed("saving the last run", exc)

    async def read_last_run(self) -> dict | None:
        try:
            return await self._get_json("last_run")
        except (RedisError, orjson.JSONDecodeError) as exc:
            self._failed("reading the last run", exc)
            return None

    async def close(self) -> None:
        await self.client.aclose()
