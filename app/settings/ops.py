"""Operating the service: Prometheus metrics at /metrics and JSON log lines. Off by default."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator
from pydantic_settings import BaseSettings


class OpsSettings(BaseSettings):
    # GET /metrics in Prometheus' format, and the request counters behind it.
    metrics_enabled: bool = False
    # text: uvicorn's usual lines; json: one JSON object per line, with the request id.
    log_format: Literal["text", "json"] = "text"

    @field_validator("log_format", mode="before")
    @classmethod
    def _normalise_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value
