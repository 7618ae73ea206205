"""Server-side user state on a real database: layouts, watchlists, drawings, alerts.

Module map: ``models`` (tables) and ``migrations`` (Alembic, run at start by ``database``);
``database`` (engine for DATABASE_URL, sessions, errors -> StoreUnavailableError); queries by
kind: ``layouts`` (layouts and watchlists), ``drawings``, ``alerts``; ``owner`` (whose records a
request reads: token hash, X-Client-Id, or ``default``); ``errors``.
"""

from __future__ import annotations

from app.store.database import Store
from app.store.errors import (
    BodyTooLargeError,
    RecordNotFoundError,
    StoreError,
    StoreLimitError,
    StoreUnavailableError,
)
from app.store.owner import resolve_owner

__all__ = [
    "BodyTooLargeError",
    "RecordNotFoundError",
    "Store",
    "StoreError",
    "StoreLimitError",
    "StoreUnavailableError",
    "resolve_owner",
]
