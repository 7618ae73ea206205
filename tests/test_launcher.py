"""``python -m app.launcher`` (``make run``): each front end that exists comes up on its port;
SIGINT or SIGTERM, or one server dying, stops them all and leaves no process or bound port behind.

The front ends are written in parallel with the launcher, so the tests start whichever exist and
check that the others are reported as skipped.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.live_server import ROOT, free_port, wait_for_http

# The team's contract: (name, module file, port variable, health route).
FRONT_ENDS = (
    ("fastapi", "app/main_fastapi.py", "FASTAPI_PORT", "/health"),
    ("streamlit", "app/main_streamlit.py", "STREAMLIT_PORT", "/_stcore/health"),
    ("dash", "app/main_dash.py", "DASH_PORT", "/health"),
)
PRESENT = [fe for fe in FRONT_ENDS if (ROOT / fe[1]).is_file()]
START_TIMEOUT = 120  # seconds; the CPU is shared, Streamlit alone can take 10 s to answer
needs_a_front_end = pytest.mark.skipif(not PRESENT, reason="no front end exists yet")


@dataclass
class LauncherRun:
    process: subprocess.Popen[bytes]
    log_path: Path
    ports: dict[str, int]
    child_pids: dict[str, int] = field(default_factory=dict)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_line(self, pattern: str, timeout: float = START_TIMEOUT) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.output(), re.MULTILINE)
            if match:
                return match
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        pytest.fail(f"launcher never printed /{pattern}/; its output:\n{self.output()}")

    def wait_until_all_ready(self) -> None:
        for name, _source, _variable, health_path in PRESENT:
            wait_for_http(
                f"http://127.0.0.1:{self.ports[name]}{health_path}", START_TIMEOUT, self.process
            )
            pid = self.wait_for_line(rf"^\[launcher\] started {name} \(pid (\d+)\)").group(1)
            self.child_pids[name] = int(pid)
            self.wait_for_line(
                rf"^\[launcher\] ready {name} +http://127\.0\.0\.1:{self.ports[name]}$"
            )
        self.wait_for_line(r"^\[launcher\] all front ends are up")

    def finish(self, timeout: float = 30) -> int:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"launcher still running {timeout} s later; output:\n{self.output()}")


def start_launcher(root: Path, log_dir: Path) -> LauncherRun:
    ports = {name: free_port() for name, *_ in FRONT_ENDS}
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "SUPERCHART_HOST": "127.0.0.1",
        **{variable: str(ports[name]) for name, _source, variable, _path in FRONT_ENDS},
    }
    log_path = log_dir / "launcher.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.launcher"],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a signal we send reaches the launcher alone, like Ctrl-C
        )
    return LauncherRun(process, log_path, ports)


@pytest.fixture
def launcher(tmp_path: Path) -> Iterator[LauncherRun]:
    run = start_launcher(ROOT, tmp_path)
    yield run
    if run.process.poll() is None:  # a failed test must not leave servers behind
        run.process.kill()
        run.process.wait()
    for pid in run.child_pids.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)


def process_group_alive(pgid: int) -> bool:
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def assert_nothing_left(run: LauncherRun) -> None:
    for name, pid in run.child_pids.items():
        assert not process_group_alive(pid), f"{name} (process group {pid}) outlived the launcher"
        assert port_is_free(run.ports[name]), f"{name}'s port {run.ports[name]} is still bound"


@needs_a_front_end
@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_stops_every_front_end(launcher: LauncherRun, signum: signal.Signals) -> None:
    launcher.wait_until_all_ready()
    for name, source, _variable, _path in FRONT_ENDS:
        if (ROOT / source).is_file():
            continue
        assert f"[launcher] skip {name}: {source} does not exist yet" in launcher.output()

    launcher.process.send_signal(signum)

    assert launcher.finish() == 0, launcher.output()
    assert f"[launcher] {signum.name} received; stopping" in launcher.output()
    assert_nothing_left(launcher)


@needs_a_front_end
@pytest.mark.slow
def test_a_dead_front_end_stops_the_others(launcher: LauncherRun) -> None:
    launcher.wait_until_all_ready()
    victim = PRESENT[0][0]

    os.kill(launcher.child_pids[victim], signal.SIGKILL)

    assert launcher.finish() == 1, launcher.output()
    assert f"[launcher] {victim} exited with code -9; stopping the others" in launcher.output()
    assert_nothing_left(launcher)


@needs_a_front_end
def test_a_busy_port_is_named_before_anything_starts() -> None:
    name, _source, variable, _path = PRESENT[0]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = subprocess.run(
            [sys.executable, "-m", "app.launcher"],
            cwd=ROOT,
            env={**os.environ, "SUPERCHART_HOST": "127.0.0.1", variable: str(port)},
            capture_output=True,
            text=True,
            timeout=30,
        )

    assert process.returncode == 1, process.stdout
    assert f"port {port} on 127.0.0.1 is in use, so {name} cannot start" in process.stdout
    assert f"set {variable} to another port" in process.stdout
    assert "started" not in process.stdout


def test_missing_front_ends_are_skipped(tmp_path: Path) -> None:
    """A checkout where no front end is written yet: the launcher says so and exits 0."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").touch()
    shutil.copy(ROOT / "app" / "launcher.py", tmp_path / "app" / "launcher.py")

    process = subprocess.run(
        [sys.executable, "-m", "app.launcher"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert process.returncode == 0, process.stdout + process.stderr
    for name, source, _variable, _path in FRONT_ENDS:
        assert f"[launcher] skip {name}: {source} does not exist yet" in process.stdout
    assert "[launcher] no front end to start" in process.stdout


@needs_a_front_end
@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "DATA_SOURCE",
            "sql",
            "DATA_SOURCE: Input should be 'csv', 'api' or 'exchange' (got 'sql')",
        ),
        ("DATA_DIR", "no_such_folder", f"DATA_DIR: the folder does not exist (resolved to {ROOT}/"),
    ],
)
def test_bad_settings_stop_the_launcher_before_anything_starts(
    variable: str, value: str, message: str
) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "app.launcher"],
        cwd=ROOT,
        env={**os.environ, "SUPERCHART_HOST": "127.0.0.1", variable: value},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert process.returncode == 1, process.stdout + process.stderr
    assert "[launcher] Invalid settings:" in process.stdout
    assert message in process.stdout
    assert "nothing started: fix the settings above" in process.stdout
    assert "started" not in process.stdout.replace("nothing started", "")
    assert "Traceback" not in process.stdout + process.stderr
