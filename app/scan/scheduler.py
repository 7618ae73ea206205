"""When the scan runs: APScheduler's AsyncIOScheduler with one job (interval or cron,
``max_instances=1``, ``coalesce``), so a run never overlaps the next and missed runs are counted,
not queued. The job is :func:`app.scan.batch.run_batch`; this only decides when."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from app.scan.batch import run_batch
from app.scan.schedule import Schedule
from app.scan.shared_state import SharedScanState
from app.scan.webhook import WebhookSender
from app.scan.worker import make_pool, warm_up

if TYPE_CHECKING:
    from app.config import Settings

logger = logging.getLogger(__name__)

JOB_ID = "volume-scan"
SYNC_S = 1.0  # how often a replica reads the shared schedule
BUDGET_SHARE = 0.9  # of the interval: a run ends before the next is due


class RunInProgressError(Exception):
    def __init__(self, run_started: str | None) -> None:
        super().__init__("a scan run is in progress")
        self.run_started = run_started


class ScanScheduler:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.schedule: Schedule | None = None
        self.last_run: dict | None = None
        self.runs = self.missed = 0
        self._in_progress_since: str | None = None
        self._lock = asyncio.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
        self.shared = SharedScanState(settings) if settings.redis_enabled else None
        self.ran_elsewhere = 0
        self._sync_task: asyncio.Task | None = None
        self.webhook = (
            WebhookSender(settings.scan_webhook_url, settings.scan_webhook_timeout_s)
            if settings.scan_webhook_url
            else None
        )

    def _on_missed(self, event: JobExecutionEvent) -> None:
        self.missed += 1

    def _workers(self) -> ProcessPoolExecutor:
        """The worker processes, spawned on first need and warmed (imports) at once."""
        if self._pool is None:
            processes = max(1, min(self.settings.scan_concurrency, os.cpu_count() or 1))
            self._pool = make_pool(processes)
            for _ in range(processes):
                self._pool.submit(warm_up)
        return self._pool

    async def start(self, schedule: Schedule) -> None:
        """Run on ``schedule`` from now on (replacing any schedule), on every replica."""
        self._apply(schedule)
        if self.shared is not None:
            await self.shared.save_schedule(schedule)

    async def stop(self) -> None:
        """No more scheduled runs (a run in progress finishes), on every replica."""
        self._apply(None)
        if self.shared is not None:
            await self.shared.save_schedule(None)

    async def boot(self, schedule: Schedule | None) -> None:
        """At start: SCAN_SCHEDULE (shared when Redis is in use), then follow the shared one."""
        if schedule is not None:
            await self.start(schedule)
        if self.shared is not None:
            self._sync_task = asyncio.create_task(self._follow_shared())

    async def _follow_shared(self) -> None:
        while True:
            known, schedule = await self.shared.read_schedule()  # type: ignore[union-attr]
            if known and schedule != self.schedule:
                self._apply(schedule)
            await asyncio.sleep(SYNC_S)

    def _apply(self, schedule: Schedule | None) -> None:
        if schedule is None:
            if self._scheduler.running and self._scheduler.get_job(JOB_ID) is not None:
                self._scheduler.remove_job(JOB_ID)
            self.schedule = None
            return
        self._workers()  # the first run should not wait for the workers to start
        if not self._scheduler.running:
            self._scheduler.start()
        self._scheduler.add_job(
            self._scheduled_run,
            schedule.trigger(),
            id=JOB_ID,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=1,
        )
        self.schedule = schedule
        logger.info("scan scheduled: %s", schedule.as_json())

    def budget_s(self) -> float:
        budget = self.settings.scan_budget_s
        job = self._scheduler.get_job(JOB_ID) if self._scheduler.running else None
        if self.schedule is not None and self.schedule.interval_seconds is not None:
            return min(budget, BUDGET_SHARE * self.schedule.interval_seconds)
        if job is not None and job.next_run_time is not None:
            gap = (job.next_run_time - dt.datetime.now(dt.UTC)).total_seconds()
            return max(1.0, min(budget, BUDGET_SHARE * gap))
        return budget

    async def _scheduled_run(self) -> None:
        if self._lock.locked():  # a manual run holds it: this one is missed, not queued
            self.missed += 1
            return
        schedule = self.schedule
        if self.shared is not None and schedule is not None:
            width = schedule.slot_seconds()
            slot = int(dt.datetime.now(dt.UTC).timestamp() // width)
            if not await self.shared.claim(slot, ttl_s=2 * width):
                self.ran_elsewhere += 1  # another replica took this run
                return
        try:
            await self.run_now()
        except Exception:
            logger.exception("scheduled scan failed")

    async def run_now(self) -> dict:
        """One run; RunInProgressError when one is running."""
        if self._lock.locked():
            raise RunInProgressError(self._in_progress_since)
        async with self._lock:
            self._in_progress_since = dt.datetime.now(dt.UTC).isoformat()
            offer = self.webhook.offer if self.webhook else None
            try:
                summary = await run_batch(
                    self.settings, self._workers(), budget_s=self.budget_s(), on_flagged=offer
                )
            finally:
                self._in_progress_since = None
            self.runs += 1
            self.last_run = {k: v for k, v in summary.items() if k != "flagged_symbols"}
            self.last_run["flagged_symbols"] = [row["symbol"] for row in summary["flagged_symbols"]]
            if self.shared is not None:
                await self.shared.save_last_run(self.last_run)
            return summary

    async def status(self) -> dict:
        """The same from every replica when Redis is in use (the shared schedule and last run)."""
        last_run = self.last_run
        if self.shared is not None:
            known, schedule = await self.shared.read_schedule()
            if known and schedule != self.schedule:
                self._apply(schedule)
            last_run = await self.shared.read_last_run() or last_run
        job = self._scheduler.get_job(JOB_ID) if self._scheduler.running else None
        next_run = job.next_run_time if job is not None else None
        schedule = (self.schedule or Schedule("none")).as_json()
        if self.schedule is None:
            schedule["schedule_type"] = None
        return {
            "running": job is not None,
            **schedule,
            "next_run": next_run.astimezone(dt.UTC).isoformat() if next_run else None,
            "in_progress_since": self._in_progress_since,
            "last_run": last_run,
            "runs": self.runs,
            "missed_runs": self.missed,
            "webhook": self.webhook.stats() if self.webhook else None,
            "replicas": (
                {"shared": not self.shared.down, "runs_elsewhere": self.ran_elsewhere}
                if self.shared is not None
                else None
            ),
        }

    async def close(self) -> None:
        if self._sync_task is not None:
            self._sync_task.cancel()
        if self.shared is not None:
            await self.shared.close()
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        if self.webhook is not None:
            await self.webhook.close()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
