"""``WS /ws`` request types served outside the bars' own modules (``quotes``, ``alerts``): each
registers its handler here, and ``requests`` hands it the parsed frame.

An extra subscription is kept in ``LiveClient.extras`` by id, counts against
LIVE_MAX_SUBSCRIPTIONS, ends with ``unsubscribe`` (its ``stop``) or with the connection.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from app.live.connection import LiveClient

Handler = Callable[["LiveClient", dict[str, Any], "str | None"], Awaitable[None]]
HANDLERS: dict[str, Handler] = {}


class ExtraSubscription(Protocol):
    def stop(self) -> None: ...


def register_request(kind: str, handler: Handler) -> None:
    HANDLERS[kind] = handler
