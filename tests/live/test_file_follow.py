"""How a watched file's changes reach clients: replaced whole, written in bursts, promptly."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from pathlib import Path

import pytest
import websockets

from app.live.watch import DirectoryWatch, use_inotify
from tests.async_run import run_async
from tests.live.conftest import (
    BARS,
    api_bars,
    append,
    next_frame,
    rewrite_last,
    row,
    write_minutes,
    ws_url,
)


def test_a_file_replaced_by_rename_sends_a_new_snapshot(server: str, data_dir: Path) -> None:
    path = data_dir / "SWAP1.csv"
    write_minutes(path, BARS, seed=11)

    async def scenario() -> tuple[dict, dict]:
        async with websockets.connect(ws_url(server)) as ws:
            await ws.send(json.dumps({"type": "subscribe", "symbol": "SWAP1", "emas": "",
                                      "limit": 20}))  # fmt: skip
            before = await next_frame(ws, kind="snapshot")
            # An exporter writes a new file beside the old one and renames it over it: the
            # history changed (shorter, other prices), so the client gets a new snapshot.
            fresh = data_dir / ".SWAP1.csv.tmp"
            write_minutes(fresh, BARS - 100, seed=12)
            os.replace(fresh, path)
            after = await next_frame(ws, 3.0, "snapshot")
            return before, after

    before, after = run_async(scenario())
    assert len(before["bars"]) == len(after["bars"]) == 20
    assert after["bars"][-1]["time"] == before["bars"][-1]["time"] - 100 * 60
    assert after["bars"] != before["bars"]


def test_a_burst_of_appends_arrives_complete_and_in_order(server: str, data_dir: Path) -> None:
    path = data_dir / "BURST1.csv"
    write_minutes(path, BARS, seed=13)
    minutes = range(BARS, BARS + 30)

    async def scenario() -> tuple[dict, list[dict]]:
        async with websockets.connect(ws_url(server)) as ws:
            await ws.send(json.dumps({"type": "subscribe", "symbol": "BURST1", "emas": "10",
                                      "limit": 5}))  # fmt: skip
            snapshot = await next_frame(ws, kind="snapshot")
            for minute in minutes:  # 30 writes, as fast as Python makes them
                append(path, row(minute, 100 + minute / 100))
            last = snapshot["bars"][-1]["time"] + len(minutes) * 60
            bars: list[dict] = []
            while not bars or bars[-1]["time"] < last:
                bars.extend((await next_frame(ws, 3.0, "update"))["bars"])
            return snapshot, bars

    snapshot, bars = run_async(scenario())
    times = [bar["time"] for bar in bars]
    assert times == sorted(set(times)), "bars out of order or repeated"
    first = snapshot["bars"][-1]["time"] + 60
    assert times == [first + 60 * k for k in range(len(minutes))]  # none missing
    assert [bar["close"] for bar in bars] == [100 + m / 100 for m in minutes]


def test_each_rewrite_of_the_last_row_reaches_a_client_once_with_its_values(
    server: str, data_dir: Path
) -> None:
    """#25: the forming bar rewritten in place (and now and then a new minute appended): each
    change reaches the client once, with the values written, and nothing more."""
    path = data_dir / "REWRITE10.csv"
    write_minutes(path, BARS, seed=14)
    append(path, row(BARS, 100.0, 1))
    changes: list[tuple[int, float, float]] = []  # (minute, close, volume) of each write

    async def scenario() -> tuple[dict, list[dict]]:
        async with websockets.connect(ws_url(server)) as ws:
            await ws.send(json.dumps({"type": "subscribe", "symbol": "REWRITE10", "emas": "10",
                                      "limit": 5}))  # fmt: skip
            snapshot = await next_frame(ws, kind="snapshot")
            bars: list[dict] = []
            minute = BARS
            for k in range(2, 14):
                close = 100 + k / 4
                if k % 5 == 0:  # a new minute opens below the forming one
                    minute += 1
                    append(path, row(minute, close, k))
                else:
                    rewrite_last(path, row(minute, close, k))
                changes.append((minute, close, float(k)))
                while not bars or bars[-1]["volume"] != k:  # this change's frame
                    bars.extend((await next_frame(ws, 3.0, "update"))["bars"])
            with contextlib.suppress(TimeoutError):  # nothing more comes
                bars.extend((await next_frame(ws, 0.8, "update"))["bars"])
            return snapshot, bars

    snapshot, bars = run_async(scenario())
    start = snapshot["bars"][-1]["time"] - BARS * 60
    assert [(b["time"], b["close"], b["volume"]) for b in bars] == [
        (start + 60 * minute, close, volume) for minute, close, volume in changes
    ]
    assert bars[-1] == api_bars(server, symbol="REWRITE10", emas="10", limit=1)[0]


@pytest.mark.skipif(not use_inotify(), reason="the kernel watcher is Linux's inotify")
def test_the_kernel_watcher_reports_an_append_within_milliseconds(tmp_path: Path) -> None:
    """No polling interval, no debounce: an append wakes the loop at once (the fan-out's
    latency starts here)."""
    path = tmp_path / "QUICK.csv"
    write_minutes(path, 10)

    class Recorder:
        def __init__(self) -> None:
            self.path = path
            self.calls: list[float] = []

        async def changed(self) -> None:
            self.calls.append(time.perf_counter())

    async def scenario() -> list[float]:
        watch = DirectoryWatch(tmp_path, debounce_ms=1000, step_ms=500)
        recorder = Recorder()
        await watch.add(recorder)  # looks once on adding
        delays = []
        for minute in range(10, 30):
            seen = len(recorder.calls)
            began = time.perf_counter()
            append(path, row(minute, 100.0))
            while len(recorder.calls) == seen:
                await asyncio.sleep(0.0005)
                assert time.perf_counter() - began < 2.0, "no change reported"
            delays.append(recorder.calls[-1] - began)
        watch.remove(recorder)
        return delays

    delays = sorted(run_async(scenario()))
    # Half of them within 50 ms even on a loaded CI machine; watchfiles with these settings
    # (step 500 ms) would take over half a second each.
    assert delays[len(delays) // 2] < 0.05, delays
