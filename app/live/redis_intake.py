"""What the Redis link does with a message heard on a stream's channel: forward it to the hub
only if it passes the checks (``app.live.redis_checks``) and comes from the stream's lease holder.

The holder's id comes with every lease renewal; a sender that differs from it (a replica that
took the lease since, or a forgery) is looked up in Redis (one GET), at most every
``HOLDER_LOOKUP_S`` per stream, so a flood of forged senders costs Redis little. Anything
rejected is dropped and counted by the hub; the connection stays up.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from redis.exceptions import RedisError

from app.live.redis_checks import RejectedMessage
from app.live.redis_wire import lease_name

if TYPE_CHECKING:
    import redis.asyncio as aioredis

    from app.live.redis_hub import RedisHub

logger = logging.getLogger("app.live.redis_hub")
HOLDER_LOOKUP_S = 0.1  # per stream, at most one lookup of its lease holder this often
NOT_HOLDER = "not from the stream's lease holder"


async def take_message(hub: RedisHub, client: aioredis.Redis, key: str, data: object) -> None:
    """Hand a checked message from the stream's lease holder to the hub; drop anything else
    (counted, warned about) without ending the connection. Redis failing raises."""
    try:
        opened = hub.opened(key, data)
        if opened is None:
            return
        stream, origin, message = opened
        if origin != stream.holder:  # a new holder since our renewal, or a forgery
            now = time.monotonic()
            if now - stream.holder_checked < HOLDER_LOOKUP_S:
                raise RejectedMessage(NOT_HOLDER)
            stream.holder_checked = now
            async with asyncio.timeout(hub.timeout):
                holder = await client.get(lease_name(hub.prefix, key))
            if holder is not None:
                stream.holder = holder
            if origin != holder:
                raise RejectedMessage(NOT_HOLDER)
        hub.accept(stream, message)
    except RejectedMessage as exc:
        hub.drop(key, str(exc))
    except (RedisError, OSError, TimeoutError):
        raise  # Redis itself failed (the lookup): the link reconnects
    except Exception as exc:  # a bug must not cut the link: count it, keep listening
        hub.drop(key, f"could not be handled ({type(exc).__name__})")
        logger.debug("live: a Redis message on %s failed", key, exc_info=True)
