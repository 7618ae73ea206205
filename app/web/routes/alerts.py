"""``/api/alerts``: alerts evaluated on the server's live bars (``app.alerts``), kept in the
store with their history, per owner (``app.store.owner``)."""

from __future__ import annotations

import time
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from app.alerts import AlertEngine, parse_condition
from app.alerts.webhook_hosts import check_webhook_url
from app.config import get_settings
from app.core.errors import ParameterError
from app.core.timeframes import parse_timeframe
from app.store import alerts as queries
from app.web.json_body import body_schema, read_model
from app.web.routes.live import live_service
from app.web.store_deps import Owner, in_session, store_of

router = APIRouter(tags=["alerts"])
ALERT_BODY_BYTES = 16_384


class AlertIn(BaseModel):
    """``condition``: ``{"type": "price_cross", "price": 1.2345}``, ``{"type": "indicator",
    "expr": "rsi_14 > 70"}`` (also ``macd_12_26_9 crosses_above macd_signal_12_26_9``) or
    ``{"type": "volume_spike"}``."""

    model_config = ConfigDict(extra="forbid")
    symbol: str = Field(min_length=1, max_length=100)
    timeframe: str = Field(min_length=1, max_length=20)
    condition: dict[str, Any]
    frequency: Literal["once", "once_per_bar", "every_time"] = "once"
    expires: float | None = Field(default=None, description="UNIX seconds, or null: never")
    webhook_url: str | None = Field(default=None, max_length=2000)
    message: str | None = Field(default=None, max_length=1000)


class AlertOut(BaseModel):
    id: str
    symbol: str
    timeframe: str
    condition: dict[str, Any]
    frequency: str
    expires: float | None
    webhook_url: str | None
    message: str | None
    state: str = Field(description="armed, triggered (a once alert that fired) or expired")
    created: float
    updated: float
    fired_count: int
    last_fired_bar: int | None


class AlertEventOut(BaseModel):
    time: int
    price: float
    message: str
    delivered: bool = Field(description="the webhook took it (2xx), or with no webhook a page")
    fired: float
    pages: int
    webhook: str = Field(description="none, pending, sent, failed, refused or dropped")


def engine_of(app: Any) -> AlertEngine:
    """The app's alert engine, made and started on first use (``start_alerts`` at start)."""
    engine = getattr(app.state, "alerts", None)
    if engine is None:
        engine = app.state.alerts = AlertEngine(live_service(app), store_of(app), get_settings())
        engine.start()
    return engine


async def start_alerts(app: Any) -> None:
    engine_of(app)


async def stop_alerts(app: Any) -> None:
    engine = getattr(app.state, "alerts", None)
    if engine is not None:
        await engine.close()


@router.post(
    "/api/alerts",
    status_code=201,
    response_model=AlertOut,
    summary="Create an alert",
    openapi_extra=body_schema(AlertIn),
)
async def create_alert(request: Request, owner: Owner) -> dict[str, Any]:
    """201 ``{"id", ...the alert, "state": "armed"}``; 422 naming a bad condition, timeframe,
    expiry or webhook URL; 404 for an unknown symbol; 409 past ALERTS_MAX_PER_OWNER."""
    settings = get_settings()
    body = await read_model(request, AlertIn, ALERT_BODY_BYTES, "16 KB per alert")
    condition = parse_condition(body.condition)
    timeframe = parse_timeframe(body.timeframe)
    if body.expires is not None and body.expires <= time.time():
        raise ParameterError("expires", "expires must be in the future (UNIX seconds) or null.")
    webhook = check_webhook_url(body.webhook_url, tuple(settings.alert_webhook_hosts))
    engine = engine_of(request.app)
    fields = {
        "symbol": body.symbol.strip(),
        "timeframe": timeframe.name,
        "condition": condition.as_json(),
        "frequency": body.frequency,
        "expires": body.expires,
        "webhook_url": webhook,
        "message": body.message,
    }
    await engine.check_stream(fields["symbol"], timeframe)  # 404 / 422 before it is stored
    alert = await in_session(
        request,
        queries.create_alert,
        owner,
        fields,
        settings.alerts_max_per_owner,
        settings.alerts_max_total,
    )
    await engine.arm(alert)
    return queries.public(alert)


@router.get("/api/alerts", response_model=list[AlertOut], summary="The owner's alerts")
async def list_alerts(request: Request, owner: Owner) -> list[dict[str, Any]]:
    return [queries.public(a) for a in await in_session(request, queries.list_alerts, owner)]


@router.get("/api/alerts/{alert_id}", response_model=AlertOut, summary="An alert")
async def read_alert(alert_id: str, request: Request, owner: Owner) -> dict[str, Any]:
    return queries.public(await in_session(request, queries.get_alert, owner, alert_id))


@router.delete("/api/alerts/{alert_id}", status_code=204, summary="Delete an alert")
async def delete_alert(alert_id: str, request: Request, owner: Owner) -> Response:
    await in_session(request, queries.delete_alert, owner, alert_id)
    engine_of(request.app).disarm(alert_id)
    return Response(status_code=204)


@router.get(
    "/api/alerts/{alert_id}/events",
    response_model=list[AlertEventOut],
    summary="An alert's history, oldest first",
)
async def read_alert_events(alert_id: str, request: Request, owner: Owner) -> list[dict[str, Any]]:
    """``[{"time", "price", "message", "delivered"}]`` (plus when it fired, to how many open
    pages, and the webhook's outcome); the newest ALERTS_HISTORY_MAX are kept."""
    return await in_session(request, queries.alert_events, owner, alert_id)
