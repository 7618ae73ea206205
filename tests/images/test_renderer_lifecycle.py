"""The image renderer's Chromium over real HTTP: opened at the first picture, not at start
(#25), and a Chromium killed under renders in flight answers JSON 503s, never a 500 (#19)."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.images.conftest import png_size, require_chromium, server_env, uvicorn_server
from tests.live_server import ROOT


def processes() -> dict[int, tuple[int, str]]:
    """Every process: pid -> (parent pid, command line)."""
    found: dict[int, tuple[int, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            continue  # a zombie holds nothing but its entry
        found[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), cmdline)
    return found


def server_pid(port: int) -> int:
    for pid, (_parent, cmdline) in processes().items():
        if "app.main_fastapi:app" in cmdline and f"--port {port}" in cmdline:
            return pid
    raise AssertionError(f"no server process on port {port}")


def chromium_under(pid: int) -> list[int]:
    """The live Chromium processes descending from ``pid``."""
    table = processes()
    below, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, cmdline) in table.items():
            if ppid == parent:
                todo.append(child)
                if "chrom" in cmdline.split(" ")[0]:
                    below.append(child)
    return below


@pytest.fixture(scope="module")
def server(image_data_dir: Path) -> Iterator[tuple[str, int]]:
    require_chromium()
    env = server_env(image_data_dir, IMAGE_WORKERS="4", IMAGE_QUEUE="4", IMAGE_TIMEOUT="60")
    with uvicorn_server(env) as base:
        port = int(base.rsplit(":", 1)[1])
        yield base, server_pid(port)


def test_chromium_opens_at_the_first_picture_not_at_start(server) -> None:
    base, pid = server
    with httpx.Client(base_url=base, timeout=120) as client:
        for path in ("/health", "/api/symbols", "/api/ohlcv?limit=5", "/api/stats"):
            assert client.get(path).status_code == 200, path
        time.sleep(1.0)  # a background start would have forked by now
        assert chromium_under(pid) == []
        first = client.get("/api/chart.png", params={"bars": 20, "width": 400, "height": 300})
        assert first.status_code == 200 and png_size(first.content) == (400, 300)
        assert chromium_under(pid) != []
        assert first.headers["server-timing"].startswith("browser-start;dur=")
        again = client.get("/api/chart.png", params={"bars": 21, "width": 400, "height": 300})
        assert again.status_code == 200 and "server-timing" not in again.headers


@pytest.mark.slow
def test_a_chromium_killed_mid_render_answers_json_503s_and_recovers(server) -> None:
    base, pid = server
    log = ROOT / f".pytest_cache/server-{base.rsplit(':', 1)[1]}.log"
    answers: list[httpx.Response] = []
    with httpx.Client(base_url=base, timeout=120) as client:
        assert client.get("/api/chart.png", params={"bars": 30}).status_code == 200  # warm
        log_before = log.read_text(errors="replace")
        for round_ in range(2):  # killed twice, as in #19
            asks = [
                {"bars": 3000 + 10 * round_ + n, "width": 2000, "height": 2000} for n in range(4)
            ]

            def ask(params: dict, into: list[httpx.Response]) -> None:
                into.append(client.get("/api/chart.png", params=params))

            got: list[httpx.Response] = []
            threads = [threading.Thread(target=ask, args=(p, got)) for p in asks]
            for thread in threads:
                thread.start()
            time.sleep(0.8)  # all four are rendering (IMAGE_WORKERS=4)
            killed = chromium_under(pid)
            assert killed, "no Chromium to kill"
            for victim in killed:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(victim, signal.SIGKILL)
            for thread in threads:
                thread.join()
            answers += got
            began = time.monotonic()
            after = client.get("/api/chart.png", params={"bars": 50 + round_})
            assert after.status_code == 200, after.text  # recovered
            assert time.monotonic() - began < 60
            alive = set(chromium_under(pid))
            assert alive and not alive & set(killed)  # a new browser; the old one gone
        new_log = log.read_text(errors="replace")[len(log_before) :]
    statuses = [answer.status_code for answer in answers]
    assert set(statuses) <= {200, 503}, statuses
    assert 503 in statuses, statuses  # the kills did land on renders in flight
    for answer in answers:
        if answer.status_code == 503:
            assert answer.headers["content-type"] == "application/json"
            assert int(answer.headers["retry-after"]) >= 1
            assert "try again" in answer.json()["detail"]
    assert "CancelledError" not in new_log and "500 Internal" not in new_log
