"""The feed's state over WS /ws: ``status`` frames say ok, error (a broken last row, with the
reader's words) and stale (an old file), so the page's dot never says "connected" over a feed
that is broken or not moving."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import websockets

from app.live.feed_status import stale_detail
from tests.async_run import run_async
from tests.live.conftest import append, next_frame, run_server, ws_url


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


def test_stale_words() -> None:
    day = 86400
    last = int(pd.Timestamp("2013-12-31", tz="UTC").timestamp())
    assert stale_detail(last, day, last + 400 * day) == "historical file: last bar 2013-12-31"
    assert stale_detail(last, day, last + 5.5 * day) == "no new bar for 5 days"
    assert stale_detail(last, day, last + 1.5 * day) is None  # today's bar is still forming
    assert stale_detail(last, 60, last + 120) is None
    assert stale_detail(last, 60, last + 3 * 3600) == "no new bar for 3 hours"


def test_status_frames_tell_ok_error_and_stale(tmp_path: Path) -> None:
    live = tmp_path / "LIVEFX.csv"
    last = write_recent(live)
    old = tmp_path / "OLDCO.csv"
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
    ).to_csv(old, index=False)

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

    with run_server(tmp_path, CSV_PATH=str(live), DEFAULT_SYMBOL="LIVEFX") as base:
        stale, ok, error, back = run_async(scenario())
    assert stale["state"] == "stale", stale
    assert stale["detail"] == "historical file: last bar 2013-12-31"
    assert stale["last_bar_time"] == int(pd.Timestamp("2013-12-31", tz="UTC").timestamp())
    assert (ok["id"], ok["state"], ok["detail"]) == ("fx", "ok", "")
    assert ok["last_bar_time"] == int(last.timestamp())
    assert error["state"] == "error" and error["id"] == "fx"
    assert "abc" in error["detail"], error
    assert back["state"] == "ok", back
