"""#19 (high): what Bar Replays hold is bounded, shared per stream, and given back.

Before the fix, each replay rendered its whole run (up to 100,000 bars with every line) into
records of its own, and the freed heap stayed with the process: 20 replays of a 200,000-bar file
per connection left the idle server 1.5 GB bigger per connection, and burnt 12-24 s of CPU.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import websockets

from tests.async_run import run_async
from tests.live.conftest import START, SYMBOL, next_frame, server_env, write_minutes, ws_url
from tests.live_server import ROOT, free_port, wait_for_http

BIG = "BIGREPLAY"
BIG_BARS = 100_000  # 1m bars, ~70 days: each replay plays up to LIVE_REPLAY_MAX_BARS of them
EMAS = "10,21,50,100,150,200"
LINES = "rsi:14,macd,bb,atr,stoch,cci"  # with the six EMAs: the 12-line cap
RSS_SLACK_MB = 100  # the bound: idle RSS back within this of where it started
CPU_BOUND_S = 1.5  # server CPU for 8 replays of one stream (before the fix: 3.5 s; after: 0.2 s)


@contextmanager
def server_process(data_dir: Path, **settings: str) -> Iterator[tuple[str, int]]:
    """A uvicorn server like the live tests' own, yielding its URL and its process id."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **server_env(data_dir, **settings)}
    args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1", "--port", str(port)]
    log_path = ROOT / f".pytest_cache/server-{port}.log"
    log_path.parent.mkdir(exist_ok=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for_http(base + "/health", 60, process)
            yield base, process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def replay_request(request_id: str, start: str = "2024-01-02", **extra: object) -> str:
    return json.dumps({"type": "replay", "id": request_id, "symbol": BIG, "timeframe": "1m",
                       "start": start, "speed": 0.001, "emas": EMAS, "indicators": LINES,
                       "limit": 500, **extra})  # fmt: skip


async def open_replays(base: str, count: int) -> list[dict]:
    """One connection opening ``count`` replays of the big file; the snapshot (or error) of
    each, then the connection closes."""
    async with websockets.connect(ws_url(base), max_size=None) as ws:
        for index in range(count):
            await ws.send(replay_request(f"r{index}", start=f"2024-01-{2 + index:02d}"))
        return [await answer(ws) for _ in range(count)]


async def answer(ws) -> dict:
    """The next snapshot or error frame (a replay's first bar follows its snapshot at once)."""
    while True:
        frame = await next_frame(ws, 60)
        if frame["type"] != "update":
            return frame


@pytest.fixture(scope="module")
def big_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("replay_big")
    write_minutes(folder / f"{SYMBOL}.csv")
    write_minutes(folder / f"{BIG}.csv", bars=BIG_BARS, seed=3)
    return folder


def test_replay_memory_is_given_back_after_its_connections_close(big_dir: Path) -> None:
    with server_process(big_dir) as (base, pid):
        # The chart once over HTTP: the core's bounded caches (the parsed file, the prepared
        # history) are warm, so what is left to measure is what the replays hold.
        chart = {"symbol": BIG, "timeframe": "1m", "emas": EMAS, "indicators": LINES, "limit": 10}
        httpx.get(base + "/api/ohlcv", params=chart, timeout=60)
        started = rss_mb(pid)
        for _ in range(3):  # one connection at a time, each playing 4 replays and leaving
            frames = run_async(open_replays(base, 4))
            assert [f["type"] for f in frames] == ["snapshot"] * 4
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            stats = httpx.get(base + "/api/stats", timeout=10).json()
            if stats["total_clients"] == 0 and stats.get("replays", {}).get("open") == 0:
                break
            time.sleep(0.1)
        time.sleep(2)  # the heap is trimmed shortly after the last replay lets go
        after = rss_mb(pid)
        assert after - started <= RSS_SLACK_MB, f"RSS {started:.0f} -> {after:.0f} MB"
        assert stats["replays"] == {"open": 0, "streams": 0, "held_mb": 0.0, "builds": 3}


def test_replays_of_one_stream_share_one_computation(big_dir: Path) -> None:
    with server_process(big_dir) as (base, pid):
        before = cpu_seconds(pid)

        async def scenario() -> tuple[list[dict], list[dict], dict]:
            async with (
                websockets.connect(ws_url(base), max_size=None) as a,
                websockets.connect(ws_url(base), max_size=None) as b,
            ):
                for index in range(4):
                    for ws in (a, b):
                        await ws.send(replay_request(f"r{index}", start=f"2024-02-{1 + index:02d}"))
                first = [await answer(a) for _ in range(4)]
                second = [await answer(b) for _ in range(4)]
                stats = httpx.get(base + "/api/stats", timeout=10).json()  # both playing
                return first, second, stats

        first, second, stats = run_async(scenario())
        used = cpu_seconds(pid) - before
        assert [f["type"] for f in first + second] == ["snapshot"] * 8
        # 8 replays' snapshots, one shared history: a fraction of one replay's cost before
        assert used < CPU_BOUND_S, f"{used:.1f} s of server CPU for 8 replays of one stream"
        assert stats["replays"] == {"open": 8, "streams": 1, "held_mb": stats["replays"]["held_mb"],
                                    "builds": 1}  # fmt: skip
        expected = httpx.get(base + "/api/ohlcv", params={"symbol": BIG, "timeframe": "1m",
                             "emas": EMAS, "indicators": LINES, "end": "2024-02-01T00:00:00Z",
                             "limit": 501}, timeout=60).json()  # fmt: skip
        assert first[0]["bars"] == expected[:500]  # the 500 bars before start, as the API's


@pytest.fixture(scope="module")
def small_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("replay_caps")
    write_minutes(folder / f"{SYMBOL}.csv")
    write_minutes(folder / "GBPUSD.csv", seed=2)
    return folder


def test_replays_past_the_connection_server_and_memory_bounds_are_refused(
    small_dir: Path,
) -> None:
    # A 400-bar stream with two EMAs holds 400 x 8 columns x 8 bytes = 25.6 KB: one fits in
    # 40 KB, a second (another symbol) does not; a replay sharing the first costs nothing more.
    caps = {"LIVE_REPLAY_MAX_PER_CONNECTION": "2", "LIVE_REPLAY_MAX_TOTAL": "3",
            "LIVE_REPLAY_MAX_MB": str(40 / 1024)}  # fmt: skip
    start = int(START.timestamp()) + 100 * 60
    with server_process(small_dir, **caps) as (base, _pid):

        async def ask(ws, request_id: str, symbol: str = SYMBOL) -> dict:
            await ws.send(json.dumps({"type": "replay", "id": request_id, "symbol": symbol,
                                      "start": start, "speed": 0.001, "limit": 5}))  # fmt: skip
            return await answer(ws)

        async def scenario() -> list[dict]:
            async with (
                websockets.connect(ws_url(base)) as a,
                websockets.connect(ws_url(base)) as b,
            ):
                frames = [await ask(a, "a1"), await ask(a, "a2"), await ask(a, "a3")]
                frames.append(await ask(a, "a1"))  # replacing one of its own always fits
                frames.append(await ask(b, "b1", "GBPUSD"))  # a second history: over 40 KB
                frames.append(await ask(b, "b1"))  # the shared one: the server's 3rd replay
                frames.append(await ask(b, "b2"))  # a 4th in the server
                await b.send(json.dumps({"type": "unsubscribe", "id": "b1"}))
                frames.append(await ask(b, "b2"))  # room again
                return frames

        frames = run_async(scenario())
    kinds = [(f["type"], f.get("setting")) for f in frames]
    assert kinds == [
        ("snapshot", None),
        ("snapshot", None),
        ("error", "LIVE_REPLAY_MAX_PER_CONNECTION"),
        ("snapshot", None),
        ("error", "LIVE_REPLAY_MAX_MB"),
        ("snapshot", None),
        ("error", "LIVE_REPLAY_MAX_TOTAL"),
        ("snapshot", None),
    ]
    assert "at most 2 replays" in frames[2]["detail"] and frames[2]["id"] == "a3"
    assert "LIVE_REPLAY_MAX_MB" in frames[4]["detail"]
    assert "cap of 3 replays" in frames[6]["detail"]
