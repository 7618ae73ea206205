"""The scheduled volume scan's controls: POST /api/v1/scheduler/start, /stop, /run-manual and
GET /api/v1/scheduler/status (app.scan.scheduler decides when, app.scan.batch runs)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.config import Settings, get_settings
from app.core import ParameterError
from app.scan.schedule import (
    MAX_INTERVAL_S,
    MIN_INTERVAL_S,
    Schedule,
    cron_schedule,
    interval_schedule,
    parse_schedule,
)
from app.scan.scheduler import RunInProgressError, ScanScheduler
from app.web.v1_errors import V1Route

router = APIRouter(tags=["scan"], route_class=V1Route)


class StartIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    schedule_type: Literal["interval", "cron"]
    interval_minutes: float | None = Field(default=None, gt=0, le=MAX_INTERVAL_S / 60)
    interval_seconds: int | None = Field(default=None, ge=MIN_INTERVAL_S, le=MAX_INTERVAL_S)
    cron: str | None = Field(default=None, max_length=120, examples=["*/5 * * * *"])

    @model_validator(mode="after")
    def _one_schedule(self) -> StartIn:
        if self.schedule_type == "cron" and not self.cron:
            raise ValueError("schedule_type cron needs cron, e.g. '*/5 * * * *'")
        if self.schedule_type == "interval" and (
            (self.interval_minutes is None) == (self.interval_seconds is None)
        ):
            raise ValueError("schedule_type interval needs interval_minutes or interval_seconds")
        return self

    def schedule(self) -> Schedule:
        try:
            if self.schedule_type == "cron":
                return cron_schedule(self.cron or "")
            seconds = self.interval_seconds or (self.interval_minutes or 0) * 60
            return interval_schedule(seconds)
        except ValueError as exc:
            raise ParameterError(self._field(), str(exc)) from None

    def _field(self) -> str:
        if self.schedule_type == "cron":
            return "cron"
        return "interval_seconds" if self.interval_seconds is not None else "interval_minutes"


async def start_scheduler(app: FastAPI, settings: Settings) -> None:
    """The app's scheduler (idle), started on SCAN_SCHEDULE when it is set."""
    app.state.scan_scheduler = ScanScheduler(settings)
    schedule = parse_schedule(settings.scan_schedule) if settings.scan_schedule else None
    await app.state.scan_scheduler.boot(schedule)


async def stop_scheduler(app: FastAPI) -> None:
    scheduler = getattr(app.state, "scan_scheduler", None)
    if scheduler is not None:
        await scheduler.close()


def _scheduler(request: Request) -> ScanScheduler:
    scheduler = getattr(request.app.state, "scan_scheduler", None)
    if scheduler is None:  # the app runs without its lifespan (a TestClient without `with`)
        scheduler = request.app.state.scan_scheduler = ScanScheduler(get_settings())
    return scheduler


@router.post("/api/v1/scheduler/start", summary="Start (or replace) the scan's schedule")
async def start_schedule(body: StartIn, request: Request) -> dict:
    """`{"schedule_type": "interval", "interval_minutes": 5}` (or `interval_seconds`) or
    `{"schedule_type": "cron", "cron": "*/5 * * * *"}` (UTC). Answers the status."""
    scheduler = _scheduler(request)
    await scheduler.start(body.schedule())
    return {"status": "success", "message": None, **(await scheduler.status())}


@router.post("/api/v1/scheduler/stop", summary="Stop the scheduled scan")
async def stop_schedule(request: Request) -> dict:
    scheduler = _scheduler(request)
    await scheduler.stop()
    return {"status": "success", "message": None, **(await scheduler.status())}


@router.get("/api/v1/scheduler/status", summary="The schedule, next and last run")
async def read_schedule_status(request: Request) -> dict:
    """`running`, `schedule_type`, `interval_seconds`/`interval_minutes` or `cron`, `next_run`
    (ISO 8601 UTC), `last_run` (its summary and counts), `runs`, `missed_runs`."""
    return {"status": "success", "message": None, **(await _scheduler(request).status())}


@router.post(
    "/api/v1/scheduler/run-manual", summary="Run the scan now and wait for it", response_model=None
)
async def run_scan_now(request: Request) -> JSONResponse | dict:
    """One run now; answers when it is done with the run's summary (409 while one runs)."""
    try:
        summary = await _scheduler(request).run_now()
    except RunInProgressError as exc:
        detail = f"A scan run is in progress (since {exc.run_started}); try when it is done."
        body = {"status": "error", "message": detail, "detail": detail}
        return JSONResponse(body, status_code=409)
    return {"status": "success", "message": None, "run": summary}
