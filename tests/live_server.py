"""Start a real server process on 127.0.0.1 for a test, and stop it afterwards."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# Below Linux's ephemeral range (32768-60999 by default): a port the kernel hands out for
# bind(0) or an outgoing connection (the browser's, an HTTP client's) could be taken between
# this check and the server's own bind, seconds later after its start-up (a uvicorn test server
# once exited "address already in use" so); the kernel never hands these out.
PORTS = (20_000, 32_000)


def free_port() -> int:
    """A port nobody holds now, from PORTS, picked at random."""
    for _ in range(1000):
        port = random.randint(*PORTS)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


def wait_for_http(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"server exited with code {process.returncode} before {url} answered"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer 200 within {timeout} s")


@contextmanager
def live_server(
    args: Sequence[str],
    *,
    port: int,
    health_path: str = "/",
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> Iterator[str]:
    """Run ``python <args>`` from the repo root; yield ``http://127.0.0.1:<port>`` once healthy.

    The server's output goes to a log file that is printed if it fails to start. ``timeout``
    is a bound for a start that hangs, not a speed check: on a loaded 2-core machine the app's
    start-up (store, alerts, scheduler) once took over 60 s and failed the test.
    """
    log_path = ROOT / f".pytest_cache/server-{port}.log"
    log_path.parent.mkdir(exist_ok=True)
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_for_http(base + health_path, timeout, process)
            except (RuntimeError, TimeoutError) as exc:
                raise RuntimeError(f"{exc}\n--- server log ---\n{log_path.read_text()}") from exc
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
