"""Live bars over ``WS /ws``: a hub, one producer per (symbol, timeframe), file tailing, broker
polling, an exchange upstream, and Bar Replay. The web route only hands connections to
``LiveClient`` and reads ``LiveService.stats``.

Module map: ``hub`` (Hub interface, MemoryHub, coalescing Subscription) -> ``streams`` (feeds,
producers, channels, snapshots) over ``bars`` (tail-mutable bar columns, aggregation) and
``indicators`` (incremental values); ``sources`` + ``tail`` (files, broker) and ``exchange``
(Binance kline upstream) keep feeds current; ``protocol`` (frames), ``connection`` (one client:
``requests`` in; ``outbox`` out, over ``delivery``, ``prepared`` and ``direct`` for the socket),
``replay`` (Bar Replay), ``service`` (the process's live state), ``pauses`` (GC pauses and
loop stalls); ``taps`` (in-process subscribers) under ``quotes`` (watchlist quotes) and the
server's alerts, whose requests come in through ``extra_requests``. LIVE_BACKEND=redis:
``redis_hub``
(which bars reach this replica's clients) over ``redis_link`` (connection, pub/sub, leases),
``redis_intake`` + ``redis_checks`` (what is heard is checked: envelope, signature, sender,
bars), ``redis_streams`` (per-stream state) and ``redis_wire`` (names, envelopes, lease scripts).
"""

from __future__ import annotations

from app.live import quotes as _quotes  # registers the WS "quotes" request  # noqa: F401
from app.live.connection import LiveClient
from app.live.hub import Hub, LiveMessage, MemoryHub, Subscription
from app.live.service import LiveService

__all__ = ["Hub", "LiveClient", "LiveMessage", "LiveService", "MemoryHub", "Subscription"]
