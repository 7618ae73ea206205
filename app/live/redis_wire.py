"""What the Redis live hub puts on the wire: channel and lease names, envelopes, lease scripts.

A stream key (``app.live.streams.channel_key``: symbol, timeframe, EMAs, indicators) names one
pub/sub channel, ``<prefix>bars:<key>``, and one lease, ``<prefix>lease:<key>``; every replica
builds the same key for the same subscription parameters. An envelope is
``<origin> <kind> <payload>``: the publishing replica's id (its own messages echoed back are
skipped), ``m`` + ``LiveMessage.to_bytes()`` (bars or a reset) or ``x`` (the lease was released:
followers try to take it at once instead of at their next renewal).
"""

from __future__ import annotations

import os

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from app.live.hub import LiveMessage

KIND_MESSAGE = b"m"
KIND_RELEASED = b"x"

# Take the lease if free, renew it if ours: 1 = we hold it, 0 = another replica does.
# (SET NX PX and a PEXPIRE of our own lease in one step, so a renewal cannot renew someone else's.)
ACQUIRE = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
  return 1
end
return 0
"""
# Give the lease back only if it is still ours.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def new_origin() -> bytes:
    """This process's id on the wire (12 hex digits: unique enough among a few replicas)."""
    return os.urandom(6).hex().encode()


def channel_name(prefix: str, key: str) -> bytes:
    return f"{prefix}bars:{key}".encode()


def lease_name(prefix: str, key: str) -> bytes:
    return f"{prefix}lease:{key}".encode()


def stream_key(prefix: str, channel: bytes) -> str:
    return channel.decode()[len(prefix) + len("bars:") :]


def envelope(origin: bytes, kind: bytes, payload: bytes = b"") -> bytes:
    return b" ".join((origin, kind, payload))


def open_envelope(data: bytes) -> tuple[bytes, bytes, LiveMessage | None]:
    """(origin, kind, message or None); ValueError for anything not ours."""
    origin, kind, payload = data.split(b" ", 2)
    if kind == KIND_MESSAGE:
        return origin, kind, LiveMessage.from_bytes(payload)
    if kind == KIND_RELEASED:
        return origin, kind, None
    raise ValueError(f"unknown envelope kind {kind!r}")


def make_client(url: str, timeout: float) -> aioredis.Redis:
    """A client whose every call fails within ``timeout`` and is never retried by redis-py
    itself: the hub's own loop reconnects, with backoff, and falls back meanwhile."""
    return aioredis.Redis.from_url(
        url,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=0,
        client_name="superchart-live",
    )
