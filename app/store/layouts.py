"""Layouts and watchlists: named JSON documents per owner."""

from __future__ import annotations

import time

import orjson
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.store.errors import RecordNotFoundError, StoreLimitError
from app.store.models import Layout, Watchlist


def put_layout(session: Session, owner: str, name: str, body: bytes, max_layouts: int) -> float:
    """Create or replace; the time saved. StoreLimitError past STORE_MAX_LAYOUTS."""
    now = time.time()
    row = session.get(Layout, (owner, name))
    if row is None:
        count = session.scalar(select(func.count()).where(Layout.owner == owner)) or 0
        if count >= max_layouts:
            raise StoreLimitError(
                f"at most {max_layouts} layouts per owner (STORE_MAX_LAYOUTS); delete one first."
            )
        session.add(Layout(owner=owner, name=name, body=body.decode(), updated=now))
    else:
        row.body, row.updated = body.decode(), now
    return now


def get_layout(session: Session, owner: str, name: str) -> bytes:
    row = session.get(Layout, (owner, name))
    if row is None:
        raise RecordNotFoundError(f"No layout named {name!r}.")
    return row.body.encode()


def list_layouts(session: Session, owner: str) -> list[dict[str, object]]:
    rows = session.execute(
        select(Layout.name, Layout.updated).where(Layout.owner == owner).order_by(Layout.name)
    )
    return [{"name": name, "updated": updated} for name, updated in rows]


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
