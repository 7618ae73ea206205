"""The scan's CPU work in worker processes: reading, resampling, the spike rule and the saved
pages of a flagged symbol run there, at a lower priority, so the web process's event loop and
threads never wait on them (a thread pool would share the GIL with every request)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

WORKER_NICENESS = 10  # requests first: the scan takes what CPU is left


def _lower_priority() -> None:
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)


def make_pool(processes: int) -> ProcessPoolExecutor:
    """Spawned (not forked: the server has threads and an event loop), niced workers."""
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(processes, mp_context=context, initializer=_lower_priority)


def warm_up() -> int:
    """Imports the scan's modules in a worker (so the first run does not pay for them)."""
    import app.scan.saved
    import app.scan.scan_one  # noqa: F401

    return os.getpid()


def scan_and_save(symbol: str, folder: str, run: str, save_until: float) -> dict:
    """One symbol, in a worker: its scan and, when flagged and before ``save_until`` (epoch
    seconds), its saved files. A plain dict crosses back to the server."""
    from app.config import get_settings
    from app.scan.saved import save_flagged
    from app.scan.scan_one import scan_one

    row = scan_one(symbol, get_settings())
    if row.flagged and time.time() < save_until:
        row.files = save_flagged(Path(folder), run, row)
    return {
        "symbol": row.symbol,
        "timeframe": row.timeframe,
        "bars": row.bars,
        "spikes": row.spikes,
        "error": row.error,
        "files": row.files,
    }
