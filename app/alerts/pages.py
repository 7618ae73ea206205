"""Alerts pushed to open pages: ``{"type": "alerts", "id", "client_id"}`` on ``WS /ws``.

The subscription belongs to the owner its connection resolves to (the ``?token=`` or bearer
token with API_TOKENS, else ``client_id`` / ``X-Client-Id``, else ``default``). It is answered
``{"type": "alerts", "id", "subscribed": true}``; then each firing of one of the owner's alerts
comes as ``{"type": "alert", "id", "alert", "symbol", "timeframe", "time", "price",
"message", "condition"}`` (``id`` the subscription's, ``alert`` the alert's).
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import orjson

from app.core.errors import ParameterError
from app.live.extra_requests import register_request
from app.store.owner import resolve_owner

if TYPE_CHECKING:
    from app.alerts.engine import AlertEngine
    from app.live.connection import LiveClient
    from app.live.service import LiveService

DEFAULT_ID = "alerts"
ENGINES: weakref.WeakKeyDictionary[LiveService, AlertEngine] = weakref.WeakKeyDictionary()


class PageSubscription:
    def __init__(self, pages: PageHub, client: LiveClient, request_id: str, owner: str) -> None:
        self.pages = pages
        self.client = client
        self.id = request_id
        self.owner = owner
        self.prefix = orjson.dumps({"type": "alert", "id": request_id})[:-1] + b","

    def stop(self) -> None:
        self.pages.remove(self)


class PageHub:
    """Open pages by owner."""

    def __init__(self) -> None:
        self.by_owner: dict[str, set[PageSubscription]] = {}

    def add(self, subscription: PageSubscription) -> None:
        self.by_owner.setdefault(subscription.owner, set()).add(subscription)

    def remove(self, subscription: PageSubscription) -> None:
        subscribers = self.by_owner.get(subscription.owner)
        if subscribers is not None:
            subscribers.discard(subscription)
            if not subscribers:
                del self.by_owner[subscription.owner]

    def send(self, owner: str, body: dict[str, Any]) -> int:
        """Queue the alert frame to the owner's pages; how many."""
        subscribers = self.by_owner.get(owner)
        if not subscribers:
            return 0
        tail = orjson.dumps(body)[1:]
        for subscription in list(subscribers):
            subscription.client.queue_frame(subscription.prefix + tail)
        return len(subscribers)


async def subscribe_alerts(
    client: LiveClient, frame: dict[str, Any], request_id: str | None
) -> None:
    from app.live.requests import check_room

    engine = ENGINES.get(client.service)
    if engine is None:
        raise ParameterError("type", "alerts are not running on this server.")
    request_id = request_id or DEFAULT_ID
    check_room(client, request_id)
    client_id = frame.get("client_id")
    if client_id is not None and not isinstance(client_id, str):
        raise ParameterError("client_id", "client_id must be a string.")
    ws = client.ws
    owner = resolve_owner(
        ws.headers,
        client_id,
        tokens_on=bool(client.settings.api_tokens),
        token=ws.query_params.get("token"),
    )
    old = client.extras.pop(request_id, None)
    if old is not None:
        old.stop()
    subscription = PageSubscription(engine.pages, client, request_id, owner)
    engine.pages.add(subscription)
    client.extras[request_id] = subscription
    client.queue_frame(orjson.dumps({"type": "alerts", "id": request_id, "subscribed": True}))


register_request("alerts", subscribe_alerts)
