"""A private PostgreSQL server for a test session: ``initdb`` into a temp folder and
``postgres`` on a free port of 127.0.0.1, as the Redis tests start their own redis-server.

PostgreSQL refuses to run as root, so as root both run as ``nobody`` (through ``runuser``).
Missing binaries: a skip locally, a failure in CI (REQUIRE_BROWSER=1), as for Chromium.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.live_server import free_port

RUN_AS = "nobody"
INITDB_OPTIONS = ("-U", "superchart", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale", "C")


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/N/bin)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def require_postgres() -> Path:
    folder = postgres_bin()
    if folder is None:
        message = "PostgreSQL not found (apt-get install postgresql)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return folder


class PostgresProcess:
    """initdb + postgres in a temp folder; ``url`` for DATABASE_URL; ``stop`` removes it all."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="superchart-pg-"))
        self.url = f"postgresql://superchart@127.0.0.1:{self.port}/postgres"
        self.process: subprocess.Popen | None = None

    def _as_user(self, args: list[str]) -> list[str]:
        if os.geteuid() != 0:
            return args
        return ["runuser", "-u", RUN_AS, "--", *args]

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, RUN_AS)
        data = self.folder / "data"
        subprocess.run(
            self._as_user([str(self.bin_dir / "initdb"), "-D", str(data), *INITDB_OPTIONS]),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        args = [str(self.bin_dir / "postgres"), "-D", str(data), "-p", str(self.port)]
        args += ["-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.folder}"]
        args += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        log = open(self.folder / "postgres.log", "wb")  # noqa: SIM115 (closed with the process)
        self.process = subprocess.Popen(self._as_user(args), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        ready = str(self.bin_dir / "pg_isready")
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.folder / "postgres.log").read_text())
            probe = [ready, "-h", "127.0.0.1", "-p", str(self.port), "-U", "superchart"]
            if subprocess.run(probe, stdout=subprocess.DEVNULL).returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"postgres did not answer on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # as its own user's process: runuser passes SIGTERM on
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
