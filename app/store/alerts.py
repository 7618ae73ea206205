"""Alerts and their events: the queries the routes and the alert engine run."""

from __future__ import annotations

import time
import uuid
from typing import Any

import orjson
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.store.errors import RecordNotFoundError, StoreLimitError
from app.store.models import Alert, AlertEvent

ARMED, TRIGGERED, EXPIRED = "armed", "triggered", "expired"


def alert_dict(row: Alert) -> dict[str, Any]:
    return {
        "id": row.id,
        "symbol": row.symbol,
        "timeframe": row.timeframe,
        "condition": orjson.loads(row.condition),
        "frequency": row.frequency,
        "expires": row.expires,
        "webhook_url": row.webhook_url,
        "message": row.message,
        "state": row.state,
        "created": row.created,
        "updated": row.updated,
        "fired_count": row.fired_count,
        "last_fired_bar": row.last_fired_bar,
        "owner": row.owner,
    }


def public(alert: dict[str, Any]) -> dict[str, Any]:
    """What the API shows: no owner key; an armed alert past its expiry is ``expired`` even
    before the engine has marked it so (no bar may have come since)."""
    shown = {k: v for k, v in alert.items() if k != "owner"}
    expires = shown["expires"]
    if shown["state"] == ARMED and expires is not None and expires <= time.time():
        shown["state"] = EXPIRED
    return shown


def create_alert(
    session: Session, owner: str, fields: dict[str, Any], max_per_owner: int, max_total: int
) -> dict[str, Any]:
    count = session.scalar(select(func.count()).where(Alert.owner == owner)) or 0
    if count >= max_per_owner:
        raise StoreLimitError(
            f"at most {max_per_owner} alerts per owner (ALERTS_MAX_PER_OWNER); delete some first."
        )
    armed = session.scalar(select(func.count()).where(Alert.state == ARMED)) or 0
    if armed >= max_total:
        raise StoreLimitError(
            f"the server holds its cap of {max_total} armed alerts (ALERTS_MAX_TOTAL)."
        )
    now = time.time()
    row = Alert(
        id=uuid.uuid4().hex,
        owner=owner,
        symbol=fields["symbol"],
        timeframe=fields["timeframe"],
        condition=orjson.dumps(fields["condition"]).decode(),
        frequency=fields["frequency"],
        expires=fields["expires"],
        webhook_url=fields["webhook_url"],
        message=fields["message"],
        state=ARMED,
        created=now,
        updated=now,
        fired_count=0,
        last_fired_bar=None,
    )
    session.add(row)
    return alert_dict(row)


def list_alerts(session: Session, owner: str) -> list[dict[str, Any]]:
    rows = session.scalars(select(Alert).where(Alert.owner == owner).order_by(Alert.created))
    return [alert_dict(row) for row in rows]


def get_alert(session: Session, owner: str, alert_id: str) -> dict[str, Any]:
    return alert_dict(_owned(session, owner, alert_id))


def delete_alert(session: Session, owner: str, alert_id: str) -> None:
    row = _owned(session, owner, alert_id)
    session.execute(delete(AlertEvent).where(AlertEvent.alert_id == row.id))
    session.delete(row)


def alert_events(session: Session, owner: str, alert_id: str) -> list[dict[str, Any]]:
    row = _owned(session, owner, alert_id)
    events = session.scalars(
        select(AlertEvent).where(AlertEvent.alert_id == row.id).order_by(AlertEvent.id)
    )
    return [
        {
            "time": e.time,
            "price": e.price,
            "message": e.message,
            "delivered": e.webhook == "sent" or (e.webhook == "none" and e.pages > 0),
            "fired": e.fired,
            "pages": e.pages,
            "webhook": e.webhook,
        }
        for e in events
    ]


def armed_ids(session: Session) -> set[str]:
    """The ids of every armed alert (the engine's periodic sync: ids only, cheap); those past
    their expiry are marked expired first."""
    now = time.time()
    past = (Alert.state == ARMED, Alert.expires.is_not(None), Alert.expires <= now)
    if session.scalar(select(Alert.id).where(*past).limit(1)) is not None:  # no write otherwise
        session.execute(update(Alert).where(*past).values(state=EXPIRED, updated=now))
    return set(session.scalars(select(Alert.id).where(Alert.state == ARMED)))


def alerts_by_id(session: Session, ids: list[str]) -> list[dict[str, Any]]:
    rows = session.scalars(select(Alert).where(Alert.id.in_(ids), Alert.state == ARMED))
    return [alert_dict(row) for row in rows]


def record_firings(session: Session, firings: list[dict[str, Any]], history_max: int) -> list[int]:
    """Claim and record each firing; the new event's id, or 0 where another process already
    recorded this alert for this bar (``once``/``once_per_bar``) or it is no longer armed."""
    ids = []
    now = time.time()
    for firing in firings:
        claim = (
            update(Alert)
            .where(Alert.id == firing["alert"], Alert.state == ARMED)
            .values(
                fired_count=Alert.fired_count + 1,
                last_fired_bar=firing["time"],
                updated=now,
                state=TRIGGERED if firing["frequency"] == "once" else ARMED,
            )
        )
        if firing["frequency"] != "every_time":
            claim = claim.where(
                (Alert.last_fired_bar.is_(None)) | (Alert.last_fired_bar < firing["time"])
            )
        if not session.execute(claim).rowcount:
            ids.append(0)
            continue
        event = AlertEvent(
            alert_id=firing["alert"],
            time=firing["time"],
            price=firing["price"],
            message=firing["message"],
            fired=now,
            pages=firing["pages"],
            webhook="pending" if firing["webhook_url"] else "none",
        )
        session.add(event)
        session.flush()
        ids.append(event.id)
        _trim_history(session, firing["alert"], history_max)
    return ids


def _trim_history(session: Session, alert_id: str, history_max: int) -> None:
    count = session.scalar(select(func.count()).where(AlertEvent.alert_id == alert_id)) or 0
    if count <= history_max:
        return
    oldest = select(AlertEvent.id).where(AlertEvent.alert_id == alert_id).order_by(AlertEvent.id)
    doomed = list(session.scalars(oldest.limit(count - history_max)))
    session.execute(delete(AlertEvent).where(AlertEvent.id.in_(doomed)))


def set_webhook_result(session: Session, event_id: int, result: str) -> None:
    session.execute(update(AlertEvent).where(AlertEvent.id == event_id).values(webhook=result))


def expire_alerts(session: Session, alert_ids: list[str]) -> None:
    session.execute(
        update(Alert)
        .where(Alert.id.in_(alert_ids), Alert.state == ARMED)
        .values(state=EXPIRED, updated=time.time())
    )


def _owned(session: Session, owner: str, alert_id: str) -> Alert:
    row = session.get(Alert, alert_id[:64])
    if row is None or row.owner != owner:
        raise RecordNotFoundError(f"No alert with id {alert_id[:40]!r}.")
    return row
