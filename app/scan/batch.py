"""One scheduled (or manual) run: the universe scanned at most SCAN_CONCURRENCY at a time in
worker processes (app.scan.worker), within a budget; flagged symbols saved; the summary
written; retention applied."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import TYPE_CHECKING

from app.scan.results import SUMMARY_PREFIX, apply_retention, ensure_dir, new_run_id, write_json
from app.scan.scan_one import SymbolScan
from app.scan.universe import scan_universe
from app.scan.worker import scan_and_save

if TYPE_CHECKING:
    from app.config import Settings

FILES_LINK = "/api/v1/scans/{run}/files/{name}"


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def run_batch(
    settings: Settings,
    executor: Executor,
    *,
    budget_s: float,
    on_flagged: Callable[[dict], None] | None = None,
) -> dict:
    """Scan, save, summarise; returns the summary (also written as batch_summary_{run}.json)."""
    started = dt.datetime.now(dt.UTC)
    clock = time.monotonic()
    deadline = clock + budget_s
    run = new_run_id(started)
    loop = asyncio.get_running_loop()
    folder = await asyncio.to_thread(ensure_dir, settings.results_dir)
    symbols, notice = await asyncio.to_thread(scan_universe, settings)
    gate = asyncio.Semaphore(settings.scan_concurrency)
    save_until = time.time() + budget_s

    async def one(symbol: str) -> SymbolScan:
        async with gate:  # at most SCAN_CONCURRENCY symbols handed to the workers at once
            if time.monotonic() > deadline:
                return SymbolScan(symbol, error=f"not scanned: the run's {budget_s:g} s ran out")
            done = await loop.run_in_executor(
                executor, scan_and_save, symbol, str(folder), run, save_until
            )
            return SymbolScan(**done)

    tasks = [asyncio.create_task(one(symbol)) for symbol in symbols]
    done, pending = await asyncio.wait(tasks, timeout=max(0.0, deadline - time.monotonic()))
    for task in pending:
        task.cancel()
    rows = []
    for symbol, task in zip(symbols, tasks, strict=True):
        if task in done and not task.cancelled() and task.exception() is None:
            rows.append(task.result())
        else:
            rows.append(SymbolScan(symbol, error=f"not scanned: the run's {budget_s:g} s ran out"))
    finished = dt.datetime.now(dt.UTC)
    flagged = [_flagged_row(run, row) for row in rows if row.flagged]
    summary = {
        "run": run,
        "started": _iso(started),
        "finished": _iso(finished),
        "duration_s": round(time.monotonic() - clock, 3),
        "budget_s": budget_s,
        "timeframe": settings.scan_timeframe,
        "periods": settings.scan_periods,
        "rule": "volume > mean + 4 sample std of the 25 bars before",
        "scanned": sum(1 for row in rows if row.error is None),
        "flagged": len(flagged),
        "failed": sum(1 for row in rows if row.error is not None),
        "notice": notice,
        "flagged_symbols": flagged,
        "errors": [{"symbol": row.symbol, "error": row.error} for row in rows if row.error],
    }
    await asyncio.to_thread(write_json, folder / f"{SUMMARY_PREFIX}{run}.json", summary)
    summary["retention"] = await asyncio.to_thread(
        apply_retention,
        folder,
        settings.results_keep_days,
        int(settings.results_max_mb * 2**20),
    )
    if on_flagged is not None:
        for row in flagged:
            on_flagged(_alert(row))
    return summary


def _flagged_row(run: str, row: SymbolScan) -> dict:
    latest = row.spikes[-1]
    return {
        "symbol": row.symbol,
        "timeframe": row.timeframe,
        "bars": row.bars,
        "spikes": len(row.spikes),
        "latest_spike": latest.as_json(),
        "files": row.files,
        "links": {kind: FILES_LINK.format(run=run, name=name) for kind, name in row.files.items()},
    }


def _alert(row: dict) -> dict:
    return {
        "symbol": row["symbol"],
        "timeframe": row["timeframe"],
        "spike": row["latest_spike"],
        "link": row["links"].get("report"),
    }
