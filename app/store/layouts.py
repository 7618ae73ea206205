"""Layouts and watchlists: named JSON documents per owner."""

from __future__ import annotations

import time
import uuid

import orjson
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.store.errors import RecordNotFoundError, StoreLimitError
from app.store.models import Layout, Watchlist


def put_layout(
    session: Session, owner: str, name: str, body: bytes, max_layouts: int
) -> dict[str, object]:
    """Create or replace; ``{"name", "updated", "share_id"}`` (the share id is made once and
    kept). StoreLimitError past STORE_MAX_LAYOUTS."""
    now = time.time()
    row = session.get(Layout, (owner, name))
    if row is None:
        count = session.scalar(select(func.count()).where(Layout.owner == owner)) or 0
        if count >= max_layouts:
            raise StoreLimitError(
                f"at most {max_layouts} layouts per owner (STORE_MAX_LAYOUTS); delete one first."
            )
        row = Layout(owner=owner, name=name, body=body.decode(), updated=now)
        row.share_id = uuid.uuid4().hex
        session.add(row)
    else:
        row.body, row.updated = body.decode(), now
        row.share_id = row.share_id or uuid.uuid4().hex
    return {"name": name, "updated": now, "share_id": row.share_id}


def get_layout(session: Session, owner: str, name: str) -> bytes:
    row = session.get(Layout, (owner, name))
    if row is None:
        raise RecordNotFoundError(f"No layout named {name!r}.")
    return row.body.encode()


def list_layouts(session: Session, owner: str) -> list[dict[str, object]]:
    rows = session.execute(
        select(Layout.name, Layout.updated, Layout.share_id)
        .where(Layout.owner == owner)
        .order_by(Layout.name)
    )
    return [{"name": n, "updated": u, "share_id": s} for n, u, s in rows]


def get_shared_layout(session: Session, share_id: str) -> bytes:
    """Anyone's layout by its share id (read-only: no route writes through it)."""
    row = session.scalar(select(Layout).where(Layout.share_id == share_id[:32]))
    if row is None:
        raise RecordNotFoundError("No shared layout with this id (it may have been deleted).")
    return row.body.encode()


def delete_layout(session: Session, owner: str, name: str) -> None:
    result = session.execute(delete(Layout).where(Layout.owner == owner, Layout.name == name))
    if not result.rowcount:
        raise RecordNotFoundError(f"No layout named {name!r}.")


def put_watchlist(
    session: Session, owner: str, name: str, symbols: list[str], max_lists: int
) -> dict[str, object]:
    now = time.time()
    text = orjson.dumps(symbols).decode()
    row = session.get(Watchlist, (owner, name))
    if row is None:
        count = session.scalar(select(func.count()).where(Watchlist.owner == owner)) or 0
        if count >= max_lists:
            raise StoreLimitError(
                f"at most {max_lists} watchlists per owner (STORE_MAX_WATCHLISTS); "
                "delete one first."
            )
        session.add(Watchlist(owner=owner, name=name, symbols=text, updated=now))
    else:
        row.symbols, row.updated = text, now
    return {"name": name, "symbols": symbols, "updated": now}


def get_watchlist(session: Session, owner: str, name: str) -> dict[str, object]:
    row = session.get(Watchlist, (owner, name))
    if row is None:
        raise RecordNotFoundError(f"No watchlist named {name!r}.")
    return {"name": name, "symbols": orjson.loads(row.symbols), "updated": row.updated}


def list_watchlists(session: Session, owner: str) -> list[dict[str, object]]:
    rows = session.execute(
        select(Watchlist.name, Watchlist.updated)
        .where(Watchlist.owner == owner)
        .order_by(Watchlist.name)
    )
    return [{"name": name, "updated": updated} for name, updated in rows]


def delete_watchlist(session: Session, owner: str, name: str) -> None:
    result = session.execute(
        delete(Watchlist).where(Watchlist.owner == owner, Watchlist.name == name)
    )
    if not result.rowcount:
        raise RecordNotFoundError(f"No watchlist named {name!r}.")
