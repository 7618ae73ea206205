"""The scan results kept in RESULTS_DIR: GET /api/v1/scans (runs, newest first),
/api/v1/scans/{run} (its flagged symbols with links) and the saved files themselves."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse

from app.config import get_settings
from app.scan.results import list_runs, read_summary, result_file
from app.web.v1_errors import V1Route

router = APIRouter(tags=["scan"], route_class=V1Route)

RunId = Annotated[str, Path(max_length=40, description="e.g. 20261206T081500123Z")]
MEDIA = {".json": "application/json", ".html": "text/html; charset=utf-8", ".js": "text/javascript"}


def _not_found(what: str) -> JSONResponse:
    detail = f"No {what} in the results (RESULTS_DIR); see GET /api/v1/scans."
    return JSONResponse({"status": "error", "message": detail, "detail": detail}, status_code=404)


@router.get("/api/v1/scans", summary="Scan runs kept, newest first")
async def read_scans() -> list[dict]:
    """`[{run, started, finished, scanned, flagged, failed}]`, at most 500."""
    return await run_in_threadpool(list_runs, get_settings().results_dir)


@router.get(
    "/api/v1/scans/{run}",
    summary="One run: flagged symbols with links to their files",
    response_model=None,
)
async def read_scan_run(run: RunId) -> JSONResponse | dict:
    summary = await run_in_threadpool(read_summary, get_settings().results_dir, run)
    return summary if summary is not None else _not_found(f"run {run[:40]!r}")


@router.get("/api/v1/scans/{run}/files/{name}", summary="A file the run saved", response_model=None)
async def read_scan_file(
    run: RunId, name: Annotated[str, Path(max_length=220)]
) -> FileResponse | JSONResponse:
    """Only the files the run lists (and the shared plotly.min.js): no other path is read."""
    path = await run_in_threadpool(result_file, get_settings().results_dir, run, name)
    if path is None:
        return _not_found(f"file {name[:80]!r} of run {run[:40]!r}")
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=3600"}
    return FileResponse(path, media_type=MEDIA.get(path.suffix, "text/plain"), headers=headers)
