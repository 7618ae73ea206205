"""What the Redis live hub puts on the wire: channel and lease names, envelopes, lease scripts.

A stream key (``app.live.streams.channel_key``: symbol, timeframe, EMAs, indicators) names one
pub/sub channel, ``<prefix>bars:<key>``, and one lease, ``<prefix>lease:<key>``; every replica
builds the same key for the same subscription parameters. An envelope is
``<origin> <kind> <signature> <payload>``: the publishing replica's id (12 hex digits; its own
messages echoed back are skipped), ``m`` + ``LiveMessage.to_bytes()`` (bars or a reset) or ``x``
(the lease was released: followers try to take it at once instead of at their next renewal), and
the HMAC-SHA256 of the rest under LIVE_REDIS_SECRET (``-`` when no secret is set). What a replica
accepts from a channel is checked by ``app.live.redis_checks``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import NamedTuple

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

KIND_MESSAGE = b"m"
KIND_RELEASED = b"x"

UNSIGNED = b"-"
ORIGIN_LENGTH = 12  # hex digits of ``new_origin``

# Take the lease if free, renew it if ours; the holder's id either way (ours, or another
# replica's). SET NX PX and a PEXPIRE of our own lease in one step, so a renewal cannot renew
# someone else's.
ACQUIRE = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return holder
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
  return ARGV[1]
end
return holder
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


class Envelope(NamedTuple):
    origin: bytes
    kind: bytes
    signature: bytes
    payload: bytes


def signature(secret: bytes | None, origin: bytes, kind: bytes, payload: bytes) -> bytes:
    """The envelope's HMAC-SHA256 (hex) under ``secret``; ``-`` without one."""
    if not secret:
        return UNSIGNED
    mac = hmac.new(secret, b"%s %s %s" % (origin, kind, payload), hashlib.sha256)
    return mac.hexdigest().encode()


def envelope(
    origin: bytes, kind: bytes, payload: bytes = b"", secret: bytes | None = None
) -> bytes:
    return b" ".join((origin, kind, signature(secret, origin, kind, payload), payload))


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
