"""docker/nginx.conf in front of two real uvicorn replicas (Debian's nginx, the compose file's
config with local addresses): requests spread over both, WebSockets pass, the client's own
X-Forwarded-For is replaced (so TRUSTED_PROXIES reads the true client), slow headers are cut,
and a stopped replica is left out without a failed request."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from tests.async_run import run_async
from tests.live_server import ROOT, free_port, wait_for_http
from tests.web.access.conftest import serve, server_settings, ws_answer
from tests.web.ops.test_metrics import samples, value

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HEADER_TIMEOUT_S = 1


def nginx_conf(replicas: list[str], port: int) -> str:
    """The compose file's nginx.conf, pointed at local replicas, slow-header cut at 1 s."""
    text = (ROOT / "docker" / "nginx.conf").read_text()
    a, b = (base.removeprefix("http://") for base in replicas)
    text = text.replace("fastapi-a:8000", a).replace("fastapi-b:8000", b)
    text = text.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    assert "client_header_timeout 10s;" in text
    return text.replace("client_header_timeout 10s;", f"client_header_timeout {HEADER_TIMEOUT_S}s;")


@pytest.fixture(scope="module")
def stack(access_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    if not Path(NGINX).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("nginx not found (apt-get install nginx-light)")
        pytest.skip("nginx not found (apt-get install nginx-light)")
    folder = tmp_path_factory.mktemp("nginx")
    settings = {"TRUSTED_PROXIES": "127.0.0.1", "METRICS_ENABLED": "true", "LOG_FORMAT": "json"}
    with ExitStack() as stack:
        one_process, one = start_replica(access_data, settings)
        stack.callback(stop, one_process)
        two = stack.enter_context(serve(access_data, **settings))
        port = free_port()
        (folder / "nginx.conf").write_text(nginx_conf([one[0], two[0]], port))
        (folder / "logs").mkdir()
        global_directives = (
            f"daemon off; user root; pid {folder}/nginx.pid; error_log {folder}/error.log;"
        )
        process = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", global_directives],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        stack.callback(process.wait, 10)
        stack.callback(process.terminate)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield base, one, two, lambda: stop(one_process)


def start_replica(data_dir: Path, settings: dict[str, str]) -> tuple[subprocess.Popen, tuple]:
    """A replica whose process the test holds (to stop it), started as ``serve`` starts one."""
    port = free_port()
    log = ROOT / f".pytest_cache/server-{port}.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **server_settings(data_dir), **settings}
    args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1", "--port", str(port)]
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            [sys.executable, *args, "--no-proxy-headers"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    wait_for_http(base + "/health", 60, process)
    return process, (base, log)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def served_by(replica: str) -> float:
    found = samples(replica)
    return value(
        found, "superchart_http_requests_total", method="GET", route="/api/symbols", status="200"
    )


def test_requests_spread_over_both_replicas(stack) -> None:
    base, (one, _), (two, _), _ = stack
    before = served_by(one), served_by(two)
    for _ in range(20):
        assert httpx.get(base + "/api/symbols", timeout=30).status_code == 200
    after = served_by(one), served_by(two)
    counts = [after[i] - before[i] for i in range(2)]
    assert sum(counts) == 20 and min(counts) >= 5, counts


def test_websockets_pass_through(stack) -> None:
    base = stack[0]
    status, _, frame = run_async(ws_answer(base.replace("http://", "ws://") + "/ws"))
    assert status == 101 and '"snapshot"' in frame


def test_a_client_cannot_pose_as_another_address(stack) -> None:
    base, (_, log_one), (_, log_two), _ = stack
    spoof = {"X-Forwarded-For": "203.0.113.7"}
    for _ in range(4):
        httpx.get(base + "/api/symbols", headers=spoof, timeout=30)
    lines = [
        json.loads(line)
        for log in (log_one, log_two)
        for line in log.read_text().splitlines()
        if '"superchart.access"' in line
    ]
    clients = {line["client"] for line in lines if line["route"] == "/api/symbols"}
    assert clients == {"127.0.0.1"}  # what nginx saw, not what the client claimed


def test_slow_headers_are_cut(stack) -> None:
    port = int(stack[0].rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /api/symbols HTTP/1.1\r\nHost: x\r\n")  # and never the end
        started = time.monotonic()
        answer = sock.recv(1024)
        waited = time.monotonic() - started
    assert waited < HEADER_TIMEOUT_S + 4
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408")


def test_a_stopped_replica_is_left_out(stack) -> None:
    base, _, (two, _), stop_one = stack
    stop_one()  # SIGTERM to replica one (this test runs last in the module)
    codes = [httpx.get(base + "/api/symbols", timeout=30).status_code for _ in range(10)]
    assert codes == [200] * 10
    assert httpx.get(two + "/health", timeout=30).status_code == 200
