"""Drawings: chart objects of a symbol (same time and price on every timeframe), per owner."""

from __future__ import annotations

import time
import uuid
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.store.errors import RecordNotFoundError, StoreLimitError
from app.store.models import Drawing

# How many anchor points each type takes (long/short position: entry, target, stop).
POINTS_BY_TYPE = {
    "horizontal_line": 1,
    "horizontal_ray": 1,
    "trend_line": 2,
    "parallel_channel": 3,
    "rectangle": 2,
    "fib_retracement": 2,
    "long_position": 3,
    "short_position": 3,
    "text": 1,
}


def drawing_dict(row: Drawing) -> dict[str, Any]:
    return {
        "id": row.id,
        "symbol": row.symbol,
        "type": row.type,
        "points": orjson.loads(row.points),
        "style": orjson.loads(row.style),
        "created": row.created,
        "updated": row.updated,
    }


def create_drawing(
    session: Session, owner: str, fields: dict[str, Any], max_drawings: int
) -> dict[str, Any]:
    count = session.scalar(select(func.count()).where(Drawing.owner == owner)) or 0
    if count >= max_drawings:
        raise StoreLimitError(
            f"at most {max_drawings} drawings per owner (STORE_MAX_DRAWINGS); delete some first."
        )
    now = time.time()
    row = Drawing(id=uuid.uuid4().hex, owner=owner, created=now, updated=now)
    _fill(row, fields)
    session.add(row)
    return drawing_dict(row)


def update_drawing(
    session: Session, owner: str, drawing_id: str, fields: dict[str, Any]
) -> dict[str, Any]:
    row = _owned(session, owner, drawing_id)
    _fill(row, fields)
    row.updated = time.time()
    return drawing_dict(row)


def list_drawings(session: Session, owner: str, symbol: str | None) -> list[dict[str, Any]]:
    query = select(Drawing).where(Drawing.owner == owner)
    if symbol is not None:
        query = query.where(Drawing.symbol_key == symbol.strip().lower())
    query = query.order_by(Drawing.created, Drawing.id)
    return [drawing_dict(row) for row in session.scalars(query)]


def delete_drawing(session: Session, owner: str, drawing_id: str) -> None:
    session.delete(_owned(session, owner, drawing_id))


def _owned(session: Session, owner: str, drawing_id: str) -> Drawing:
    row = session.get(Drawing, drawing_id)
    if row is None or row.owner != owner:  # another owner's id is as unknown as a wrong one
        raise RecordNotFoundError(f"No drawing with id {drawing_id[:40]!r}.")
    return row


def _fill(row: Drawing, fields: dict[str, Any]) -> None:
    row.symbol = fields["symbol"]
    row.symbol_key = fields["symbol"].strip().lower()
    row.type = fields["type"]
    row.points = orjson.dumps(fields["points"]).decode()
    row.style = orjson.dumps(fields["style"]).decode()
