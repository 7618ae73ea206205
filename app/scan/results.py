"""The scan results folder (RESULTS_DIR): what each run wrote, listing and reading runs, and the
retention that keeps the disk from filling.

Per run ``batch_summary_{run}.json``; per flagged symbol ``{pair}_{timeframe}_{run}_data.json``,
``_chart.html`` and ``_report.html`` (both load the folder's one ``plotly.min.js``). ``run`` is
the UTC start, ``20261206T081500123Z``: it sorts as time does.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time
from pathlib import Path

import orjson

logger = logging.getLogger(__name__)

PLOTLY_JS = "plotly.min.js"
RUN_ID = re.compile(r"^\d{8}T\d{9}Z$")
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
SUMMARY_PREFIX = "batch_summary_"
MAX_RUNS_LISTED = 500
MAX_SUMMARY_BYTES = 8 * 2**20  # a summary file bigger than this is not ours to parse


def new_run_id(now: dt.datetime | None = None) -> str:
    """The run id of a run started at ``now``.

    >>> new_run_id(dt.datetime(2026, 12, 6, 8, 15, 0, 123456, dt.UTC))
    '20261206T081500123Z'
    """
    now = now or dt.datetime.now(dt.UTC)
    return now.strftime("%Y%m%dT%H%M%S") + f"{now.microsecond // 1000:03d}Z"


def safe_part(text: str) -> str:
    """A symbol or timeframe as a file-name part: ``ETH/USDT`` -> ``ETH-USDT``.

    >>> safe_part("ETH/USDT"), safe_part("../x")
    ('ETH-USDT', 'x')
    """
    return re.sub(r"[^A-Za-z0-9_]+", "-", text).strip("-_")[:80] or "symbol"


def ensure_dir(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / PLOTLY_JS
    if not script.is_file():
        from plotly.offline import get_plotlyjs

        temporary = folder / f".{PLOTLY_JS}.{os.getpid()}"
        temporary.write_text(get_plotlyjs(), encoding="utf-8")
        temporary.replace(script)
    return folder


def write_json(path: Path, payload: object) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(orjson.dumps(payload, option=orjson.OPT_SERIALIZE_NUMPY))
    temporary.replace(path)  # a reader never sees half a file


def list_runs(folder: Path) -> list[dict]:
    """``[{run, started, finished, scanned, flagged, failed}]`` newest first."""
    if not folder.is_dir():
        return []
    names = sorted((p.name for p in folder.glob(f"{SUMMARY_PREFIX}*.json")), reverse=True)[
        :MAX_RUNS_LISTED
    ]
    runs = []
    for name in names:
        summary = read_summary(folder, name.removeprefix(SUMMARY_PREFIX).removesuffix(".json"))
        if summary is not None:
            keys = ("run", "started", "finished", "scanned", "flagged", "failed")
            runs.append({key: summary.get(key) for key in keys})
    return runs


def read_summary(folder: Path, run: str) -> dict | None:
    """A run's summary, or None (no such run, or not a run id)."""
    if not RUN_ID.match(run):
        return None
    path = folder / f"{SUMMARY_PREFIX}{run}.json"
    try:
        if path.is_symlink() or path.stat().st_size > MAX_SUMMARY_BYTES:
            return None
        summary = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return summary if isinstance(summary, dict) else None


def result_file(folder: Path, run: str, name: str) -> Path | None:
    """The saved file ``name`` of ``run`` when it is one the run wrote (or the shared
    plotly.min.js); None otherwise: a name never reaches the file system unchecked."""
    if not FILE_NAME.match(name) or ".." in name:
        return None
    if name != PLOTLY_JS:
        summary = read_summary(folder, run)
        written = {
            file
            for row in (summary or {}).get("flagged_symbols", [])
            for file in (row.get("files") or {}).values()
        }
        if name not in written:
            return None
    path = folder / name
    if path.is_symlink() or not path.is_file():
        return None
    return path


def apply_retention(folder: Path, keep_days: float, max_bytes: int) -> dict[str, int]:
    """Delete results older than ``keep_days``, then the oldest until the folder holds at most
    ``max_bytes``. Returns ``{"deleted": n, "bytes": left}``."""
    if not folder.is_dir():
        return {"deleted": 0, "bytes": 0}
    files = []
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False) and entry.name != PLOTLY_JS:
            stat = entry.stat(follow_symlinks=False)
            files.append((stat.st_mtime, stat.st_size, Path(entry.path)))
    files.sort()
    cutoff = time.time() - keep_days * 86400
    total = sum(size for _, size, _ in files)
    deleted = 0
    for mtime, size, path in files:
        if mtime >= cutoff and total <= max_bytes:
            break
        try:
            path.unlink()
        except OSError:
            continue
        total -= size
        deleted += 1
    if deleted:
        logger.info("results: deleted %d old files, %d bytes left", deleted, total)
    return {"deleted": deleted, "bytes": total}
