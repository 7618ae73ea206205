"""WS_MAX_PER_CLIENT over every worker and replica: the WebSockets a client has open, counted in
Redis when it is set (else in this process).

Each open socket is a member of the client's sorted set in Redis (``superchart:ws:<digest>``),
scored by when it expires: now + WS_COUNT_TTL_S by Redis' own clock (so replicas' clocks do not
matter). Every third of that TTL each process renews its open sockets (and re-adds any Redis lost
or never saw), so a worker that crashes leaks nothing for longer than the TTL: its members
expire and are dropped before the next count. Admission (drop expired, count, add) is one Lua
script, so two workers cannot both take the last place. A socket closing removes itself.

Redis unreachable: the count is this process's own (one warning, and one when Redis answers
again; Redis is tried again after ``RETRY_REDIS_S``); the sockets open meanwhile are added to
Redis at the first renewal once it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import logging
import os
import time
from collections import Counter

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
KEY_PREFIX = "superchart:ws:"
RETRY_REDIS_S = 5.0
FAILURES = (RedisError, OSError, TimeoutError)

# KEYS[1]: the client's set; ARGV: ttl ms, member, the cap. Returns the count with the new
# member (admitted), or minus the count without it (refused).
ADMIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local open = redis.call('ZCARD', KEYS[1])
if open >= tonumber(ARGV[3]) then
  return -open
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return open + 1
"""
# KEYS[1]: the client's set; ARGV[1]: ttl ms, ARGV[2..]: this process's open members.
RENEW = """
local t = redis.call('TIME')
local until_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], until_ms, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return #ARGV - 1
"""


class SocketCounter:
    """Open WebSockets per client key, capped at ``maximum``; shared through Redis if given."""

    def __init__(self, maximum: int, redis_url: str | None, timeout_s: float, ttl_s: float) -> None:
        self.maximum = maximum
        self.ttl_ms = int(ttl_s * 1000)
        self.timeout = timeout_s
        self.local: Counter[str] = Counter()  # this process's open sockets per client
        self.members: dict[str, set[str]] = {}  # client key -> its members here
        self.origin = os.urandom(6).hex()
        self._ids = itertools.count(1)
        self._down_until = 0.0
        self._renewer: asyncio.Task | None = None
        self.client: aioredis.Redis | None = None
        if redis_url:
            self.client = aioredis.Redis.from_url(
                redis_url,
                socket_connect_timeout=timeout_s,
                socket_timeout=timeout_s,
                retry=Retry(NoBackoff(), 0),
                health_check_interval=0,
                client_name="superchart-access",
            )

    @staticmethod
    def redis_key(key: str) -> str:
        return KEY_PREFIX + hashlib.sha256(key.encode()).hexdigest()[:32]

    async def admit(self, key: str) -> str | None:
        """A member id for a new socket of ``key``, or None when ``maximum`` are open."""
        member = f"{self.origin}:{next(self._ids)}"
        shared = await self._admit_shared(key, member)
        if shared is False or (shared is None and self.local[key] >= self.maximum):
            return None
        self.local[key] += 1
        self.members.setdefault(key, set()).add(member)
        if self.client is not None and (self._renewer is None or self._renewer.done()):
            self._renewer = asyncio.create_task(self._renew_forever())
        return member

    async def release(self, key: str, member: str) -> None:
        self.local[key] -= 1
        if self.local[key] <= 0:
            del self.local[key]
        members = self.members.get(key)
        if members is not None:
            members.discard(member)
            if not members:
                del self.members[key]
        if self.client is not None and self._usable():
            try:
                await self._call(self.client.zrem(self.redis_key(key), member))
            except FAILURES as exc:  # it expires within the TTL
                self._went_down(exc)

    async def close(self) -> None:
        if self._renewer is not None:
            self._renewer.cancel()
            with contextlib.suppress(BaseException):
                await self._renewer
        if self.client is not None:
            with contextlib.suppress(Exception):
                await self.client.aclose()

    # -- Redis ------------------------------------------------------------------------------

    async def _call(self, command):
        return await asyncio.wait_for(command, self.timeout)

    def _usable(self) -> bool:
        return time.monotonic() >= self._down_until

    async def _admit_shared(self, key: str, member: str) -> bool | None:
        """True/False: Redis' verdict; None: no Redis (count in this process)."""
        if self.client is None or not self._usable():
            return None
        try:
            count = await self._call(
                self.client.eval(ADMIT, 1, self.redis_key(key), self.ttl_ms, member, self.maximum)
            )
        except FAILURES as exc:
            self._went_down(exc)
            return None
        self._came_back()
        return int(count) > 0

    async def _renew_forever(self) -> None:
        while self.members:
            await asyncio.sleep(self.ttl_ms / 3000)
            if not self._usable() or self.client is None:
                continue
            pipe = self.client.pipeline(transaction=False)
            for key, members in list(self.members.items()):
                pipe.eval(RENEW, 1, self.redis_key(key), self.ttl_ms, *sorted(members))
            try:
                await self._call(pipe.execute())
            except FAILURES as exc:
                self._went_down(exc)
            else:
                self._came_back()

    def _went_down(self, exc: BaseException) -> None:
        if not self._down_until:
            logger.warning(
                "WS_MAX_PER_CLIENT: Redis unreachable (%s); counting in this process until "
                "it is back",
                type(exc).__name__,
            )
        self._down_until = time.monotonic() + RETRY_REDIS_S

    def _came_back(self) -> None:
        if self._down_until:
            self._down_until = 0.0
            logger.warning("WS_MAX_PER_CLIENT: Redis is back; open sockets counted across replicas")
