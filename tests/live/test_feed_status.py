"""The feed's state over WS /ws: ``status`` frames say ok, error (a broken last row, with the
reader's words) and stale (an old file), so the page's dot never says "connected" over a feed
that is broken or not moving; old-dated bars that keep arriving are one change, not a frame per
bar."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import websockets

from app.live.feed_status import FeedStatus, StatusState, stale_detail
from tests.async_run import run_async
from tests.live.conftest import append, next_frame, run_server, ws_url

DAY = 86400
OLD_LAST = int(pd.Timestamp("2013-12-31", tz="UTC").timestamp())


def write_recent(path: Path, bars: int = 120) -> pd.Timestamp:
    """1m bars ending at the current minute; returns the last bar's time."""
    end = pd.Timestamp.now(tz="UTC").floor("1min")
    times = pd.date_range(end=end, periods=bars, freq="1min")
    close = 100 + np.cumsum(np.random.default_rng(3).normal(0, 0.5, bars))
    pd.DataFrame(
        {
            "time": times.strftime("%Y-%m-%dT%H:%MZ"),
            "open": close.round(4),
            "high": (close + 1).round(4),
            "low": (close - 1).round(4),
            "close": close.round(4),
            "volume": 10.0,
        }
    ).to_csv(path, index=False)
    return end


def write_december_2013(path: Path) -> None:
    """Daily bars of December 2013: a historical file."""
    times = pd.date_range("2013-12-02", "2013-12-31", freq="1D")
    pd.DataFrame(
        {
            "time": times.strftime("%Y-%m-%d"),
            "open": 10.0,
            "high": 11.0,
            "low": 9.0,
            "close": 10.5,
            "volume": 1.0,
        }
    ).to_csv(path, index=False)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """LIVEFX (bars up to now), OLDCO and REPLAY (December 2013)."""
    data = tmp_path_factory.mktemp("feed_status")
    write_recent(data / "LIVEFX.csv")
    write_december_2013(data / "OLDCO.csv")
    write_december_2013(data / "REPLAY.csv")
    return data


@pytest.fixture(scope="module")
def base(folder: Path) -> Iterator[str]:
    with run_server(folder, CSV_PATH=str(folder / "LIVEFX.csv"), DEFAULT_SYMBOL="LIVEFX") as url:
        yield url


def test_stale_words() -> None:
    day = 86400
    last = int(pd.Timestamp("2013-12-31", tz="UTC").timestamp())
    assert stale_detail(last, day, last + 400 * day) == "historical file: last bar 2013-12-31"
    assert stale_detail(last, day, last + 5.5 * day) == "no new bar for 5 days"
    assert stale_detail(last, day, last + 1.5 * day) is None  # today's bar is still forming
    assert stale_detail(last, 60, last + 120) is None
    assert stale_detail(last, 60, last + 3 * 3600) == "no new bar for 3 hours"


def test_status_frames_tell_ok_error_and_stale(base: str, folder: Path) -> None:
    live = folder / "LIVEFX.csv"
    last = pd.Timestamp(pd.read_csv(live)["time"].iloc[-1])

    async def scenario() -> tuple[dict, dict, dict, dict]:
        async with websockets.connect(ws_url(base)) as ws:
            await ws.send(json.dumps({"type": "subscribe", "id": "old", "symbol": "OLDCO"}))
            await next_frame(ws, 10, kind="snapshot")
            stale = await next_frame(ws, 10, kind="status")
            await ws.send(json.dumps({"type": "subscribe", "id": "fx", "symbol": "LIVEFX"}))
            await next_frame(ws, 10, kind="snapshot")
            ok = await next_frame(ws, 10, kind="status")
            stamp = (last + pd.Timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%MZ")
            append(live, f"{stamp},100,101,99,abc,10\n")
            error = await next_frame(ws, 10, kind="status")
            append(live, f"{stamp},100,101,99,100.5,10\n")  # a good row after it: still broken
            fixed = live.read_text().replace(f"{stamp},100,101,99,abc,10\n", "")
            live.write_text(fixed)  # the broken row gone: reloaded cleanly
            back = await next_frame(ws, 10, kind="status")
            return stale, ok, error, back

    stale, ok, error, back = run_async(scenario())
    assert stale["state"] == "stale", stale
    assert stale["detail"] == "historical file: last bar 2013-12-31"
    assert stale["last_bar_time"] == OLD_LAST
    assert (ok["id"], ok["state"], ok["detail"]) == ("fx", "ok", "")
    assert ok["last_bar_time"] == int(last.timestamp())
    assert error["state"] == "error" and error["id"] == "fx"
    assert "abc" in error["detail"], error
    assert back["state"] == "ok", back


async def drain_status(ws, frames: list[dict]) -> None:
    """Every status frame owed so far, collected: two error round trips (the writer sends a
    subscription's pending status in the pass after its queued frames; the second answer comes
    after the pass that the first one's was in)."""
    for _ in range(2):
        await ws.send(json.dumps({"type": "unsubscribe", "id": "no-such-id"}))
        while (frame := json.loads(await asyncio.wait_for(ws.recv(), 10)))["type"] != "error":
            if frame["type"] == "status":
                frames.append(frame)


def test_old_dated_bars_arriving_are_one_status_change_not_a_frame_per_bar(
    base: str, folder: Path
) -> None:
    """A replay of history being written into REPLAY.csv (January 2014, one day at a time):
    the feed moves, so it is said once to be historical data with bars arriving; each bar
    comes as an update, and no status frame comes with it."""
    path = folder / "REPLAY.csv"
    days = pd.date_range("2014-01-01", periods=12, freq="1D")

    async def scenario() -> tuple[list[dict], list[int]]:
        statuses: list[dict] = []
        updates: list[int] = []
        async with websockets.connect(ws_url(base)) as ws:
            await ws.send(json.dumps({"type": "subscribe", "id": "r", "symbol": "REPLAY"}))
            await next_frame(ws, 10, kind="snapshot")
            statuses.append(await next_frame(ws, 10, kind="status"))
            for day in days:
                append(path, f"{day:%Y-%m-%d},10,11,9,10.5,1\n")
                stamp = int(day.timestamp())
                while not updates or updates[-1] != stamp:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    if frame["type"] == "status":
                        statuses.append(frame)
                    elif frame["type"] == "update":
                        updates += [bar["time"] for bar in frame["bars"]]
            await drain_status(ws, statuses)
        return statuses, updates

    statuses, updates = run_async(scenario())
    assert updates == [int(day.timestamp()) for day in days]
    said = [(f["state"], f["detail"]) for f in statuses]
    assert said == [
        ("stale", "historical file: last bar 2013-12-31"),
        ("ok", "historical data: bars arriving"),
    ], said
    assert statuses[1]["last_bar_time"] == int(days[0].timestamp())


def changes_of(status: FeedStatus) -> list[StatusState]:
    told: list[StatusState] = []
    status.listeners.add(told.append)
    return told


def test_old_bars_arriving_stay_one_state_until_they_stop_for_the_window() -> None:
    """One bar a second for 30 s: one change; a minute after the last (three gaps, at least a
    minute) the feed is a historical file again, dated by its newest bar."""
    status = FeedStatus()
    told = changes_of(status)
    now = 1_800_000_000.0
    status.refresh(OLD_LAST, DAY, now)
    for i in range(1, 31):
        status.note_change(now + i)
        status.refresh(OLD_LAST + i * DAY, DAY, now + i)
    newest = OLD_LAST + 30 * DAY
    assert status.refresh(newest, DAY, now + 30 + 59).detail == "historical data: bars arriving"
    status.refresh(newest, DAY, now + 30 + 61)
    assert [(s.state, s.detail) for s in told] == [
        ("stale", "historical file: last bar 2013-12-31"),
        ("ok", "historical data: bars arriving"),
        ("stale", "historical file: last bar 2014-01-30"),
    ]


def test_a_slow_writer_keeps_its_window_and_a_feed_days_behind_is_delayed() -> None:
    status = FeedStatus()
    told = changes_of(status)
    now = 1_800_000_000.0
    behind = int(now) - 5 * DAY  # minute bars five days old, one written every 100 s
    for i in range(4):
        status.note_change(now + 100 * i)
        status.refresh(behind + 60 * i, 60, now + 100 * i)
    assert status.refresh(behind + 180, 60, now + 300 + 299).state == "ok"  # 3 x 100 s
    assert status.refresh(behind + 180, 60, now + 300 + 301).state == "stale"
    assert [(s.state, s.detail) for s in told] == [
        ("ok", "delayed data: bars arriving"),
        ("stale", "no new bar for 5 days"),
    ]
