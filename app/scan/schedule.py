"""A schedule as written in SCAN_SCHEDULE or the start request -> an APScheduler trigger."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

MIN_INTERVAL_S, MAX_INTERVAL_S = 1, 7 * 86400
_INTERVAL = re.compile(r"^interval:(\d+)(s|m|h)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}
ORIGIN = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # intervals count from here (5m: :00, :05 ...)
ACCEPTED = "interval:5m, interval:30s, interval:1h, or a 5-field cron such as '*/5 * * * *'"


@dataclass(frozen=True)
class Schedule:
    kind: str  # "interval" or "cron"
    interval_seconds: int | None = None
    cron: str | None = None

    def trigger(self) -> BaseTrigger:
        if self.kind == "interval":  # aligned to a fixed origin: every replica fires together
            return IntervalTrigger(seconds=self.interval_seconds, start_date=ORIGIN, timezone="UTC")
        return CronTrigger.from_crontab(self.cron, timezone="UTC")

    def slot_seconds(self) -> int:
        """The width of one scheduled time: a run's lease is per slot."""
        return self.interval_seconds or 60

    def as_json(self) -> dict:
        return {
            "schedule_type": self.kind,
            "interval_seconds": self.interval_seconds,
            "interval_minutes": (
                self.interval_seconds / 60 if self.interval_seconds is not None else None
            ),
            "cron": self.cron,
        }


def interval_schedule(seconds: float) -> Schedule:
    if not MIN_INTERVAL_S <= seconds <= MAX_INTERVAL_S or seconds != int(seconds):
        raise ValueError(
            f"an interval is whole seconds from {MIN_INTERVAL_S} to {MAX_INTERVAL_S:,} (a week)"
        )
    return Schedule("interval", interval_seconds=int(seconds))


def cron_schedule(expression: str) -> Schedule:
    text = " ".join(expression.split())
    if len(text.split(" ")) != 5 or len(text) > 120:
        raise ValueError(f"a cron expression has 5 fields (got {expression[:60]!r})")
    try:
        CronTrigger.from_crontab(text, timezone="UTC")
    except ValueError as exc:
        raise ValueError(f"cron {text!r}: {exc}") from None
    return Schedule("cron", cron=text)


def parse_schedule(text: str) -> Schedule:
    """``interval:5m`` / ``interval:30s`` / a cron -> Schedule; ValueError saying what is
    accepted.

    >>> parse_schedule("interval:5m").interval_seconds, parse_schedule("*/5 * * * *").cron
    (300, '*/5 * * * *')
    """
    value = text.strip()
    match = _INTERVAL.match(value.lower())
    if match:
        return interval_schedule(int(match.group(1)) * _UNIT_SECONDS[match.group(2)])
    if value.lower().startswith("interval"):
        raise ValueError(f"{value[:60]!r} is not a schedule; accepted: {ACCEPTED}")
    try:
        return cron_schedule(value)
    except ValueError as exc:
        raise ValueError(f"{exc}; accepted: {ACCEPTED}") from None
