"""An exchange's kline stream as the live source of a symbol (LIVE_WS_URL), in Binance's format.

One upstream connection per symbol (``{LIVE_WS_URL}/{symbol}@kline_{interval}``, the symbol
lower-cased, the interval the history's native timeframe), shared by every subscriber of every
timeframe of it. A dropped or refused connection is retried with exponential backoff and
jitter (0.5 s doubling to 30 s); each message is bounded (64 KiB) and checked before use.

A Binance kline message: ``{"e": "kline", "s": "BTCUSDT", "k": {"t": <open ms>, "o": "1.0",
"h": "1.2", "l": "0.9", "c": "1.1", "v": "12.5", "x": false, ...}}``; ``x`` (closed) is not
needed: a bar with the time of the last one replaces it, a newer one is appended.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from typing import TYPE_CHECKING

import numpy as np
import orjson
import pandas as pd
import websockets

from app.core.frame import canonical_frame_from_ns
from app.live.bars import OlderBarError
from app.live.streams import SymbolFeed

if TYPE_CHECKING:
    from app.config import Settings

logger = logging.getLogger(__name__)
MAX_MESSAGE_BYTES = 64 * 1024
BACKOFF_FIRST_S, BACKOFF_MAX_S = 0.5, 30.0
OPEN_TIMEOUT_S = 10.0


def stream_url(base: str, symbol: str, interval: str) -> str:
    return f"{base.rstrip('/')}/{symbol.lower()}@kline_{interval}"


def kline_bar(message: str | bytes) -> pd.DataFrame | None:
    """One bar from a kline message, or None for anything else (or a bar that does not hold
    together: non-finite numbers, high below low, prices outside high/low)."""
    try:
        body = orjson.loads(message)
        kline = body["k"] if isinstance(body, dict) and body.get("e") == "kline" else None
        if not isinstance(kline, dict):
            return None
        start_ms = int(kline["t"])
        o, h, low, c, v = (float(kline[key]) for key in ("o", "h", "l", "c", "v"))
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    if not all(math.isfinite(x) for x in (o, h, low, c, v)):
        return None
    if not (low <= min(o, c) and max(o, c) <= h and v >= 0 and 0 <= start_ms < 2**53):
        return None
    return canonical_frame_from_ns(
        np.array([start_ms * 1_000_000], dtype=np.int64),
        *(np.array([x]) for x in (o, h, low, c, v)),
    )


async def follow_exchange(feed: SymbolFeed, base_url: str, settings: Settings) -> None:
    """Keep ``feed`` current from the upstream stream until cancelled."""
    url = stream_url(base_url, feed.key, feed.native.name)
    backoff = BACKOFF_FIRST_S
    while True:
        try:
            async with websockets.connect(
                url, open_timeout=OPEN_TIMEOUT_S, max_size=MAX_MESSAGE_BYTES, max_queue=64
            ) as upstream:
                logger.info("live: upstream %s connected", url)
                backoff = BACKOFF_FIRST_S
                async for message in upstream:
                    bar = kline_bar(message)
                    if bar is None:
                        continue
                    try:
                        feed.apply(bar)
                    except OlderBarError:
                        continue  # an exchange re-sending an old bar: nothing to update
        except (OSError, TimeoutError, websockets.WebSocketException) as exc:
            logger.warning("live: upstream %s: %s; retrying in %.1f s", url, exc, backoff)
        await asyncio.sleep(backoff * random.uniform(0.5, 1.5))
        backoff = min(backoff * 2, BACKOFF_MAX_S)
