"""Our server's GC pauses and loop stalls inside a live phase's measured window (#25).

Read from ``GET /api/stats``' ``pauses`` (``app.live.pauses``) before and after the writes:
collections and their time by generation from the counters' difference, the full collections
and the loop's stalls from the latest ones kept with their wall-clock time.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class WindowPauses:
    young: int  # generation 0 and 1 collections in the window
    young_ms: float
    full: int  # full (generation 2) collections in the window
    full_max_ms: float
    full_collected: int  # objects they found unreachable
    stalls: int  # loop stalls over the monitor's threshold
    stall_max_ms: float

    def __str__(self) -> str:
        return (
            f"GC young {self.young} ({self.young_ms:.0f} ms), full {self.full} (max "
            f"{self.full_max_ms:.0f} ms, {self.full_collected:,} freed); loop stalls "
            f"{self.stalls} (max {self.stall_max_ms:.0f} ms)"
        )


def read(base_url: str) -> dict | None:
    """The server's ``pauses`` figures, or None when it has none (an older server)."""
    try:
        return httpx.get(base_url + "/api/stats", timeout=30).json().get("pauses")
    except (httpx.HTTPError, ValueError):
        return None


def in_window(
    before: dict | None, after: dict | None, start: float, end: float
) -> WindowPauses | None:
    if before is None or after is None:
        return None
    young = sum(after["gc"][g]["collections"] - before["gc"][g]["collections"] for g in "01")
    young_ms = sum(after["gc"][g]["total_ms"] - before["gc"][g]["total_ms"] for g in "01")
    full = [c for c in after["gc_full_recent"] if start <= c["at"] <= end]
    stalls = [s for s in after["loop_stalls"]["recent"] if start <= s["at"] <= end]
    return WindowPauses(
        young=young,
        young_ms=young_ms,
        full=len(full),
        full_max_ms=max((c["ms"] for c in full), default=0.0),
        full_collected=sum(c["collected"] for c in full),
        stalls=len(stalls),
        stall_max_ms=max((s["ms"] for s in stalls), default=0.0),
    )
