"""Two replicas with a real redis-server: a schedule started on one is followed by both, each
scheduled run is run by one replica (a lease per scheduled time), status is the same on both."""

from __future__ import annotations

import collections
import datetime as dt
import os
import time
from collections.abc import Iterator

import httpx
import pytest

from app.core.synthetic import synthetic_ohlcv
from tests.live.test_redis_hub import REDIS_SERVER, RedisProcess
from tests.live_server import free_port, live_server


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, ...]]:
    if not REDIS_SERVER.exists():  # skip locally, fail in CI (REQUIRE_BROWSER=1)
        message = f"{REDIS_SERVER} not found (apt-get install redis-server)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    data = tmp_path_factory.mktemp("replica_data")
    for i in range(4):
        synthetic_ohlcv(100, "5m", seed=i).to_csv(data / f"R{i}USDT.csv", index=False)
    results = tmp_path_factory.mktemp("replica_results")
    redis = RedisProcess()
    redis.start()
    env = {
        "DATA_SOURCE": "csv",
        "DATA_DIR": str(data),
        "CSV_PATH": str(data / "R0USDT.csv"),
        "DEFAULT_SYMBOL": "R0USDT",
        "REDIS_URL": redis.url,
        "LIVE_REDIS_TIMEOUT_S": "1",
        "RESULTS_DIR": str(results),
        "SCAN_CONCURRENCY": "2",
        "LLM_API_BASE": "",
    }
    args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1", "--port"]
    one, two = free_port(), free_port()
    try:
        with (
            live_server([*args, str(one)], port=one, health_path="/health", env=env) as a,
            live_server([*args, str(two)], port=two, health_path="/health", env=env) as b,
            httpx.Client(base_url=a, timeout=60) as first,
            httpx.Client(base_url=b, timeout=60) as second,
        ):
            yield first, second
    finally:
        redis.kill()


def _status(client: httpx.Client) -> dict:
    return client.get("/api/v1/scheduler/status").json()


def test_each_scheduled_run_runs_once_and_status_is_shared(replicas):
    first, second = replicas
    first.post("/api/v1/scheduler/start", json={"schedule_type": "interval", "interval_seconds": 1})
    assert _status(second)["running"] and _status(second)["interval_seconds"] == 1
    deadline = time.monotonic() + 30
    while len(first.get("/api/v1/scans").json()) < 5:
        assert time.monotonic() < deadline, "fewer than 5 runs in 30 s"
        time.sleep(0.3)
    second.post("/api/v1/scheduler/stop")
    assert _status(first)["running"] is False and _status(first)["next_run"] is None
    time.sleep(1.5)  # a run already started finishes
    runs = first.get("/api/v1/scans").json()
    slots = collections.Counter(
        int(dt.datetime.fromisoformat(run["started"].replace("Z", "+00:00")).timestamp())
        for run in runs
    )
    assert max(slots.values()) == 1, f"a scheduled time ran twice: {slots}"
    one, two = _status(first), _status(second)
    assert one["last_run"]["run"] == two["last_run"]["run"] == runs[0]["run"]
    assert one["runs"] + two["runs"] == len(runs)  # each run was run by one replica
    assert one["replicas"]["shared"] and two["replicas"]["shared"]
