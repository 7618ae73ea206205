"""Start every front end on the bundled data, print their URLs, stop them all together.

``python -m app.launcher`` (what ``make run`` calls). Each server runs in its own process group,
so Ctrl-C reaches only the launcher, which then stops every group it started (grandchildren
included) and exits 0. If one server dies, the launcher names it, stops the others and exits 1.
A front end whose module is not there yet is skipped with a line saying so.

Environment: ``SUPERCHART_HOST`` (default 127.0.0.1; 0.0.0.0 to serve the network),
``FASTAPI_PORT`` (8000), ``STREAMLIT_PORT`` (8501), ``DASH_PORT`` (8050),
``SUPERCHART_START_TIMEOUT`` (seconds each server gets to answer its health route, default 120).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_HOST = "127.0.0.1"
DEFAULT_START_TIMEOUT = 120.0
STOP_GRACE_SECONDS = 10.0
POLL_SECONDS = 0.2
WILDCARD_HOSTS = {"0.0.0.0", "::", ""}


@dataclass(frozen=True)
class FrontEnd:
    """How to start one server and how to tell it is up."""

    name: str
    source: str  # path from the repo root; missing means "not written yet"
    port_variable: str
    default_port: int
    health_path: str
    command: Callable[[str, int], list[str]]
    extra_env: Callable[[str, int], dict[str, str]] = lambda host, port: {}

    def port(self, environ: dict[str, str]) -> int:
        raw = environ.get(self.port_variable, "").strip()
        if not raw:
            return self.default_port
        if not raw.isdigit() or not 0 < int(raw) < 65536:
            raise SystemExit(f"{self.port_variable} must be a port number 1-65535, got {raw!r}")
        return int(raw)


FRONT_ENDS: tuple[FrontEnd, ...] = (
    FrontEnd(
        name="fastapi",
        source="app/main_fastapi.py",
        port_variable="FASTAPI_PORT",
        default_port=8000,
        health_path="/health",
        command=lambda host, port: [
            *("-m", "uvicorn", "app.main_fastapi:app"),
            *("--host", host, "--port", str(port)),
            "--no-proxy-headers",  # X-Forwarded-For is believed from TRUSTED_PROXIES only
            *_uvicorn_limits(),  # head size, keep-alive, connections
        ],
    ),
    FrontEnd(
        name="streamlit",
        source="app/main_streamlit.py",
        port_variable="STREAMLIT_PORT",
        default_port=8501,
        health_path="/_stcore/health",
        command=lambda host, port: [
            *("-m", "streamlit", "run", "app/main_streamlit.py"),
            *("--server.port", str(port), "--server.address", host),
            *("--server.headless", "true", "--browser.gatherUsageStats", "false"),
        ],
    ),
    FrontEnd(
        name="dash",
        source="app/main_dash.py",
        port_variable="DASH_PORT",
        default_port=8050,
        health_path="/health",
        command=lambda host, port: ["-m", "app.main_dash"],
        extra_env=lambda host, port: {"DASH_HOST": host, "DASH_PORT": str(port)},
    ),
)


def _uvicorn_limits() -> list[str]:
    """``app.server_limits``' arguments (imported when used: the launcher runs on a checkout
    where no front end exists yet)."""
    from app.server_limits import uvicorn_limit_args

    return uvicorn_limit_args()


@dataclass
class Running:
    front_end: FrontEnd
    process: subprocess.Popen[bytes]
    url: str
    health_url: str


def browse_host(host: str) -> str:
    """The address to open in a browser (and to probe) for a server bound to ``host``."""
    if host in WILDCARD_HOSTS:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def port_is_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def answers_200(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


SETTINGS_CHECK = """
import sys
from app.config import load_settings
from app.core.errors import ConfigError
try:
    load_settings()
except ConfigError as exc:
    sys.exit(str(exc))
"""


def settings_problem(environ: dict[str, str]) -> str | None:
    """The ConfigError text if the settings the servers will read are invalid, else None.

    Checked before anything starts: a server would otherwise come up and answer every request
    with an error. Read exactly as a server reads them: in a child process with the servers'
    environment, from the repository (its ``.env`` files, relative paths)."""
    check = subprocess.run(
        [sys.executable, "-c", SETTINGS_CHECK],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode == 0:
        return None
    return check.stderr.strip() or f"the settings check failed (exit code {check.returncode})"


OUTPUT_LOCK = threading.Lock()


def say(message: str) -> None:
    with OUTPUT_LOCK:
        print(f"[launcher] {message}", flush=True)


def copy_output(name: str, stream: IO[bytes]) -> None:
    """Echo a server's output line by line, prefixed with its name."""
    prefix = f"{name:<9}| ".encode()
    for line in iter(stream.readline, b""):
        with OUTPUT_LOCK:
            sys.stdout.buffer.write(prefix + line)
            sys.stdout.buffer.flush()
    stream.close()


class Launcher:
    def __init__(self, front_ends: Sequence[FrontEnd], environ: dict[str, str]) -> None:
        self.environ = environ
        self.host = environ.get("SUPERCHART_HOST", "").strip() or DEFAULT_HOST
        self.start_timeout = float(
            environ.get("SUPERCHART_START_TIMEOUT", "") or DEFAULT_START_TIMEOUT
        )
        self.front_ends = front_ends
        self.running: list[Running] = []
        self.stop_signal = ""  # set by the signal handler; the main loop polls it

    def request_stop(self, signum: int, _frame: object) -> None:
        # Only an assignment: a handler runs in the main thread between any two bytecodes, so
        # taking a lock here (threading.Event.set does) can deadlock against the loop's own wait.
        self.stop_signal = signal.Signals(signum).name

    def run(self) -> int:
        present = []
        for front_end in self.front_ends:
            if (ROOT / front_end.source).is_file():
                present.append(front_end)
            else:
                say(f"skip {front_end.name}: {front_end.source} does not exist yet")
        if not present:
            say("no front end to start")
            return 0

        problem = settings_problem(self.environ)
        if problem:
            say(problem)
            say("nothing started: fix the settings above (environment, .env.local or .env)")
            return 1

        ports = {front_end.name: front_end.port(self.environ) for front_end in present}
        busy = [name for name, port in ports.items() if not port_is_free(self.host, port)]
        if busy:
            for name in busy:
                front_end = next(f for f in present if f.name == name)
                say(
                    f"port {ports[name]} on {self.host} is in use, so {name} cannot start "
                    f"(set {front_end.port_variable} to another port)"
                )
            return 1

        try:
            for front_end in present:
                self.start(front_end, ports[front_end.name])
            return self.supervise()
        finally:
            self.stop_all()

    def start(self, front_end: FrontEnd, port: int) -> None:
        env = {
            **self.environ,
            "PYTHONUNBUFFERED": "1",
            **front_end.extra_env(self.host, port),
        }
        process = subprocess.Popen(
            [sys.executable, *front_end.command(self.host, port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: Ctrl-C reaches only us
        )
        assert process.stdout is not None
        threading.Thread(
            target=copy_output, args=(front_end.name, process.stdout), daemon=True
        ).start()
        base = f"http://{browse_host(self.host)}:{port}"
        self.running.append(Running(front_end, process, base, base + front_end.health_path))
        say(f"started {front_end.name} (pid {process.pid}) on {base}")

    def dead_child(self) -> Running | None:
        return next((r for r in self.running if r.process.poll() is not None), None)

    def supervise(self) -> int:
        """Wait for every health route, then until a signal or a child's death."""
        waiting = list(self.running)
        deadline = time.monotonic() + self.start_timeout
        while not self.stop_signal:
            dead = self.dead_child()
            if dead is not None:
                say(
                    f"{dead.front_end.name} exited with code {dead.process.returncode}; "
                    "stopping the others"
                )
                return 1
            for item in [r for r in waiting if answers_200(r.health_url)]:
                waiting.remove(item)
                say(f"ready {item.front_end.name:<9} {item.url}")
                if not waiting:
                    say("all front ends are up; Ctrl-C stops them")
            if waiting and time.monotonic() > deadline:
                names = ", ".join(r.front_end.name for r in waiting)
                say(f"{names} did not answer its health route within {self.start_timeout:.0f} s")
                return 1
            time.sleep(POLL_SECONDS)
        say(f"{self.stop_signal} received; stopping")
        return 0

    def stop_all(self) -> None:
        """SIGTERM every process group, SIGKILL what is left after the grace period."""
        for item in self.running:
            signal_group(item.process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for item in self.running:
            try:
                item.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{item.front_end.name} did not stop in {STOP_GRACE_SECONDS:.0f} s; killing")
        for item in self.running:
            signal_group(item.process, signal.SIGKILL)  # the leader, or leftovers in its group
            item.process.wait()
        if self.running:
            say("stopped " + ", ".join(r.front_end.name for r in self.running))
        self.running.clear()


def signal_group(process: subprocess.Popen[bytes], signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # the group is already empty
        os.killpg(process.pid, signum)  # the group id is the leader's pid (start_new_session)


def main() -> int:
    launcher = Launcher(FRONT_ENDS, dict(os.environ))
    signal.signal(signal.SIGINT, launcher.request_stop)
    signal.signal(signal.SIGTERM, launcher.request_stop)
    return launcher.run()


if __name__ == "__main__":
    sys.exit(main())
