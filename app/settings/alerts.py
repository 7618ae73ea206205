"""Settings of the server-side alerts (``/api/alerts``) and their webhooks."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode


class AlertSettings(BaseSettings):
    """Caps on alerts, and where and how their webhooks are sent."""

    alerts_max_per_owner: int = Field(default=1000, ge=1, le=1_000_000)
    alerts_max_total: int = Field(default=50_000, ge=1, le=10_000_000)  # armed, all owners
    alerts_max_streams: int = Field(default=1000, ge=1, le=100_000)  # (symbol, timeframe)s
    alerts_history_max: int = Field(default=100, ge=1, le=10_000)  # events kept per alert
    # host or host:port names a webhook may go to; empty: any host but loopback and private
    # networks. Loopback (127.0.0.1, localhost, ::1) only when listed.
    alert_webhook_hosts: Annotated[tuple[str, ...], NoDecode] = ()
    alert_webhook_timeout_s: float = Field(default=5.0, gt=0, le=60)  # one attempt
    alert_webhook_deadline_s: float = Field(default=30.0, gt=0, le=600)  # all attempts
    alert_webhook_retries: int = Field(default=3, ge=0, le=10)
    alert_webhook_queue: int = Field(default=1000, ge=1, le=100_000)  # waiting deliveries
    alert_webhook_workers: int = Field(default=4, ge=1, le=64)
    alerts_sync_s: float = Field(default=2.0, ge=0.1, le=3600)  # re-read alerts from the store

    @field_validator("alert_webhook_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip().lower() for part in value.split(",") if part.strip())
        return value
