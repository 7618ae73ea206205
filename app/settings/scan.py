"""The scheduled volume scan (app.scan) and where its results are kept.

Off by default: SCAN_SCHEDULE blank starts nothing; ``POST /api/v1/scheduler/start`` still can.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings


class ScanSettings(BaseSettings):
    """SCAN_*, RESULTS_* (see the README's "The scheduled scan")."""

    # interval:5m, interval:30s, interval:1h or a 5-field cron ("*/5 * * * *"); blank: off
    scan_schedule: str | None = None
    # all (every symbol of the source), top:200 (an exchange's top pairs by quote volume), or a
    # comma list of symbols
    scan_symbols: str = Field(default="all", max_length=20_000)
    scan_timeframe: str = "5m"  # or the symbol's own when coarser
    scan_periods: int = Field(default=50, ge=3, le=5000)  # bars looked at per symbol
    scan_concurrency: int = Field(default=10, ge=1, le=64)
    scan_max_symbols: int = Field(default=2000, ge=1, le=20_000)
    # A run's budget: at most this, and never longer than 90% of the interval
    scan_budget_s: float = Field(default=240.0, gt=0, le=3600)
    scan_webhook_url: str | None = None
    scan_webhook_timeout_s: float = Field(default=10.0, gt=0, le=120)  # each alert, retries in
    results_dir: Path = Path("results")
    results_keep_days: float = Field(default=7.0, ge=0, le=3650)
    results_max_mb: float = Field(default=500.0, gt=0, le=1_000_000)

    @field_validator("scan_schedule", "scan_webhook_url", mode="before")
    @classmethod
    def _scan_blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("scan_schedule")
    @classmethod
    def _scan_schedule_parses(cls, value: str | None) -> str | None:
        if value is not None:
            from app.scan.schedule import parse_schedule

            parse_schedule(value)  # ValueError naming what is accepted
        return value

    @field_validator("scan_timeframe")
    @classmethod
    def _scan_timeframe_parses(cls, value: str) -> str:
        from app.core.timeframes import parse_timeframe

        return parse_timeframe(value).name

    @field_validator("scan_webhook_url")
    @classmethod
    def _scan_webhook_is_http(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value
