"""What the store's routes share: the process's ``Store``, the request's owner, running a query
off the event loop."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.config import get_settings
from app.store import Store, resolve_owner

logger = logging.getLogger(__name__)
Result = TypeVar("Result")


def store_of(app: Any) -> Store:
    """The app's store, made on first use (``start_store`` makes it at start)."""
    store = getattr(app.state, "store", None)
    if store is None:
        store = app.state.store = Store(get_settings())
    return store


def start_store(app: Any) -> None:
    """At start: open the database and run its migrations (a database that is down is logged
    and retried by the first store request; the rest of the app serves meanwhile)."""
    store = store_of(app)
    if store.migrate():
        logger.info("store: %s database at %s ready", store.backend, store.shown_url)


def stop_store(app: Any) -> None:
    store = getattr(app.state, "store", None)
    if store is not None:
        store.close()


def request_owner(request: Request) -> str:
    """The bearer token's owner when API_TOKENS is set, else X-Client-Id, else ``default``."""
    return resolve_owner(request.headers, tokens_on=bool(get_settings().api_tokens))


Owner = Annotated[str, Depends(request_owner)]


async def in_session(request: Request, query: Callable[..., Result], *args: Any) -> Result:
    """``query(session, *args)`` in a worker thread, in one committed transaction."""
    store = store_of(request.app)

    def run() -> Result:
        with store.session() as session:
            return query(session, *args)

    return await run_in_threadpool(run)


__all__ = ["Owner", "Session", "in_session", "start_store", "stop_store", "store_of"]
