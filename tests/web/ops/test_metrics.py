"""GET /metrics against real servers: off by default; under two uvicorn workers (multiprocess
mode) every request is counted once, by route template and status, whichever worker served it;
live clients show up in the gauge."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import websockets
from prometheus_client.parser import text_string_to_metric_families

from tests.async_run import run_async
from tests.web.access.conftest import SYMBOL, serve, ws_base


def samples(base: str) -> dict[tuple[str, tuple], float]:
    response = httpx.get(base + "/metrics", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_off_by_default(access_data: Path) -> None:
    with serve(access_data) as (base, _):
        response = httpx.get(base + "/metrics", timeout=30)
        assert response.status_code == 404 and "METRICS_ENABLED" in response.json()["detail"]
        assert "x-request-id" not in httpx.get(base + "/health", timeout=30).headers


def test_counted_once_across_two_workers(access_data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "prometheus"
    folder.mkdir()
    settings = {"METRICS_ENABLED": "true", "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    with serve(access_data, "--workers", "2", **settings) as (base, _):
        requests = 24
        for _ in range(requests):  # a new connection each: the kernel spreads them
            response = httpx.get(base + "/api/ohlcv", params={"symbol": SYMBOL}, timeout=30)
            assert response.status_code == 200
        for _ in range(3):
            assert httpx.get(base + "/api/ohlcv/nowhere", timeout=30).status_code == 404
        found = samples(base)
        ok = value(
            found, "superchart_http_requests_total", method="GET", route="/api/ohlcv", status="200"
        )
        assert ok == requests
        unmatched = {"method": "GET", "route": "(unmatched)", "status": "404"}
        assert value(found, "superchart_http_requests_total", **unmatched) == 3
        timed = "superchart_http_request_duration_seconds_count"
        latency = value(found, timed, method="GET", route="/api/ohlcv")
        assert latency == requests
        lookups = sum(
            value(found, "superchart_cache_lookups_total", cache="answers", result=result)
            for result in ("hit", "miss")
        )
        assert (
            lookups == requests
            and value(found, "superchart_cache_lookups_total", cache="answers", result="hit")
            >= requests - 2
        )  # one miss per worker at most: the first load
        scan = httpx.get(base + "/api/scan", params={"within": 50}, timeout=60)
        assert scan.status_code == 200
        found = samples(base)
        assert value(found, "superchart_scan_duration_seconds_count") == 1
        scanned = value(found, "superchart_scanned_symbols_total", result="ok")
        assert scanned == len([row for row in scan.json()["symbols"] if row["error"] is None]) >= 1
        # Both workers wrote their figures (a file each).
        pids = {path.stem.rsplit("_", 1)[-1] for path in folder.glob("counter_*.db")}
        assert len(pids) == 2

        async def one_live_client() -> float:
            async with websockets.connect(ws_base(base)) as ws:
                await ws.send(f'{{"type":"subscribe","symbol":"{SYMBOL}","timeframe":"1h"}}')
                await ws.recv()
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    connected = value(samples(base), "superchart_ws_connections")
                    if connected == 1:
                        return connected
                    await asyncio.sleep(0.3)
                return connected

        assert run_async(one_live_client()) == 1
