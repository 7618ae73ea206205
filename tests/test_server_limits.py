"""The bounds ``make run`` and the FastAPI image give uvicorn (#19): a request head over
MAX_HEAD_BYTES is refused, an idle keep-alive connection is closed, connections are capped.
(A head sent slowly is not bounded by uvicorn: no test claims it; the README says so.)"""

from __future__ import annotations

import contextlib
import json
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

from app.launcher import FRONT_ENDS
from app.server_limits import HTTP_HEADROOM, KEEP_ALIVE_S, MAX_HEAD_BYTES, uvicorn_limit_args
from tests.live_server import ROOT, free_port, live_server


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def test_the_launcher_and_the_image_pass_the_bounds(monkeypatch) -> None:
    monkeypatch.setenv("LIVE_MAX_CLIENTS", "300")
    (fastapi,) = [front for front in FRONT_ENDS if front.name == "fastapi"]
    args = fastapi.command("127.0.0.1", 8000)
    assert option(args, "--http") == "h11"  # httptools would buffer a header of any size
    assert option(args, "--h11-max-incomplete-event-size") == str(MAX_HEAD_BYTES)
    assert option(args, "--timeout-keep-alive") == str(KEEP_ALIVE_S)
    assert option(args, "--limit-concurrency") == str(300 + HTTP_HEADROOM)
    dockerfile = (ROOT / "docker" / "Dockerfile.fastapi").read_text().splitlines()
    [line] = [ln for ln in dockerfile if ln.startswith("CMD ")]
    command = json.loads(line.removeprefix("CMD "))[-1]
    assert "$(python -m app.server_limits)" in command
    printed = subprocess.run(
        [sys.executable, "-m", "app.server_limits"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "LIVE_MAX_CLIENTS": "300"},
    ).stdout
    assert shlex.split(printed) == uvicorn_limit_args(300)


def test_a_big_head_is_refused_and_an_idle_connection_closed(tmp_path: Path) -> None:
    (fastapi,) = [front for front in FRONT_ENDS if front.name == "fastapi"]
    port = free_port()
    args = fastapi.command("127.0.0.1", port)
    with live_server(args, port=port, health_path="/health", env={"DATA_DIR": str(tmp_path)}):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            head = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (4 * MAX_HEAD_BYTES)
            with contextlib.suppress(OSError):  # the server may close before it read it all
                sock.sendall(head)
            answer = sock.recv(200)
        assert answer.startswith(b"HTTP/1.1 400"), answer
        with socket.create_connection(("127.0.0.1", port), timeout=KEEP_ALIVE_S + 10) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            began, received = time.monotonic(), b""
            while chunk := sock.recv(4096):  # the answer, then EOF when the server closes
                received += chunk
            idle = time.monotonic() - began
        assert received.startswith(b"HTTP/1.1 200")
        assert KEEP_ALIVE_S - 1 < idle < KEEP_ALIVE_S + 5
