"""``WS /ws`` (live bars and Bar Replay, protocol in ``app.live.protocol``) and ``GET /api/stats``.

The routes only hand the connection to the live service; everything else is ``app.live``."""

from __future__ import annotations

from fastapi import APIRouter, Request, WebSocket

from app.config import get_settings
from app.live import LiveClient, LiveService

router = APIRouter(tags=["live"])


def live_service(app: object) -> LiveService:
    """The process's live service, made on first use (after settings were checked at start)."""
    state = app.state  # type: ignore[attr-defined]
    service = getattr(state, "live", None)
    if service is None:
        service = state.live = LiveService(get_settings())
    return service


def start_live(app: object) -> None:
    """At app start: watch GC pauses and loop stalls (``pauses`` in /api/stats); with
    LIVE_BACKEND=redis connect now, so an unreachable Redis is reported at start (the app
    serves meanwhile, each replica sending its own bars)."""
    live_service(app).pauses.start()
    if get_settings().live_backend != "memory":
        live_service(app).hub.start()


async def stop_live(app: object) -> None:
    """At shutdown: the hub lets go of Redis (its leases pass to the other replicas at once)."""
    service = getattr(app.state, "live", None)  # type: ignore[attr-defined]
    if service is not None:
        await service.close()


@router.websocket("/ws")
async def live_socket(websocket: WebSocket) -> None:
    await LiveClient(live_service(websocket.app), websocket).serve()


@router.get("/api/stats", summary="Live clients and subscriptions")
async def read_stats(request: Request) -> dict[str, object]:
    """`{"total_clients", "total_subscriptions", "symbol_subscribers": {symbol: count}}` of this
    process, `"pauses"` (its GC collections by generation and event-loop stalls, with the
    latest full collections and stalls: where the live updates' tail goes); with Redis,
    `"cluster": {"replicas", "total_clients", "total_subscriptions"}` summed over every worker
    and replica."""
    stats = live_service(request.app).stats()
    cluster = getattr(request.app.state, "cluster_stats", None)
    if cluster is not None:
        totals = await cluster.totals()
        if totals is not None:
            stats["cluster"] = totals
    return stats
