"""Live Heikin Ashi: candles carried forward bar by bar equal the batch ones bit for bit, and a
``chart: heikin_ashi`` subscription or replay gets what ``/api/ohlcv?chart=heikin_ashi`` gives."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import numpy as np
import websockets

from app.core import heikin_ashi
from app.core.synthetic import synthetic_ohlcv
from app.core.timeframes import TIMEFRAMES
from app.live.bars import FIELDS, BarBook, TimeframeBook
from app.live.heikin import HeikinBook
from tests.async_run import run_async
from tests.live.conftest import (
    BARS,
    START,
    api_bars,
    append,
    next_frame,
    rewrite_last,
    row,
    write_minutes,
    ws_url,
)

LINES = {"emas": "10,21", "indicators": "rsi:14"}


def assert_same_candles(live: BarBook, source: BarBook) -> None:
    batch = heikin_ashi(source.frame())
    assert live.n == len(batch)
    assert np.array_equal(live.times[: live.n], source.times[: source.n])
    for name in FIELDS:  # the same floats, not close ones
        assert np.array_equal(live.columns[name][: live.n], batch[name].to_numpy()), name


def test_candles_carried_forward_equal_the_batch_ones() -> None:
    history = synthetic_ohlcv(600, "1m")
    native = BarBook.from_frame(history.iloc[:500])
    five = TimeframeBook(native, TIMEFRAMES["5m"])
    live, live5 = HeikinBook(native), HeikinBook(five)
    assert_same_candles(live, native)
    for i in range(500, 600):
        forming = history.iloc[i : i + 1].copy()
        forming["close"] = forming["low"]  # first seen at its low, then rewritten
        for bar in (forming, history.iloc[i : i + 1]):
            changed = native.apply(bar)
            if changed is None:  # the bar's close was its low already
                continue
            live.rebuild_from(native, changed)
            live5.rebuild_from(five, five.rebuild_from(native, changed))
        assert_same_candles(live, native)  # rewrites recomputed from the bar before: no drift
    assert_same_candles(live5, five)


def fresh(data_dir: Path, name: str) -> Path:
    path = data_dir / f"{name}.csv"
    write_minutes(path, seed=len(name) + 7)
    return path


def test_heikin_ashi_subscription_streams_the_api_candles(server: str, data_dir: Path) -> None:
    path = fresh(data_dir, "HEIKIN1")
    ha = {"symbol": "HEIKIN1", "timeframe": "1m", "chart": "heikin_ashi", **LINES}
    expected: dict[str, list[dict]] = {}

    async def scenario() -> tuple[dict, dict, dict, dict]:
        async with websockets.connect(ws_url(server)) as ws:
            # A plain subscriber of the same symbol and lines on the same connection: it must
            # keep getting plain candles (channels never shared).
            await ws.send(json.dumps({"type": "subscribe", "id": "plain", "symbol": "HEIKIN1",
                                      "timeframe": "1m", "limit": 1, **LINES}))  # fmt: skip
            await next_frame(ws, kind="snapshot")
            await ws.send(json.dumps({"type": "subscribe", "id": "ha", "limit": 50, **ha}))
            snapshot = await next_frame(ws, kind="snapshot")
            expected["snapshot"] = api_bars(server, limit=50, **ha)
            append(path, row(BARS, 123.25, 77))
            frames = {}
            while len(frames) < 2:
                frame = await next_frame(ws, 3.0, "update")
                frames[frame["id"]] = frame
            expected["appended"] = api_bars(server, limit=1, **ha)
            rewrite_last(path, row(BARS, 119.5, 90))
            rewritten = await next_frame(ws, 3.0, "update")
            while rewritten["id"] != "ha":
                rewritten = await next_frame(ws, 3.0, "update")
            expected["rewritten"] = api_bars(server, limit=1, **ha)
            return snapshot, frames["ha"], frames["plain"], rewritten

    snapshot, appended, plain, rewritten = run_async(scenario())
    assert snapshot["bars"] == expected["snapshot"]
    assert appended["bars"] == expected["appended"]
    (bar,) = appended["bars"]
    assert bar["time"] == int(START.timestamp()) + BARS * 60
    assert bar["close"] == (123.15 + 124.25 + 122.25 + 123.25) / 4  # HA close, not the raw one
    assert set(bar) >= {"ema_10", "ema_21", "rsi_14"} and bar["rsi_14"] is not None
    assert plain["bars"][0]["close"] == 123.25  # the plain channel's own candle
    # The rewritten forming bar is recomputed from the HA bar before it (no compounding).
    assert rewritten["bars"] == expected["rewritten"]
    assert rewritten["bars"][0]["open"] == appended["bars"][0]["open"]


def test_heikin_ashi_forming_bar_of_a_coarser_timeframe(server: str, data_dir: Path) -> None:
    path = fresh(data_dir, "HEIKIN5")
    ha = {"symbol": "HEIKIN5", "timeframe": "5m", "chart": "ha", **LINES}

    async def scenario() -> list[dict]:
        async with websockets.connect(ws_url(server)) as ws:
            await ws.send(json.dumps({"type": "subscribe", "limit": 5, **ha}))
            await next_frame(ws, kind="snapshot")
            append(path, row(BARS, 150.0, 5))  # 06:40: a new 5m bar opens
            first = (await next_frame(ws, 3.0, "update"))["bars"]
            append(path, row(BARS + 1, 160.0, 7))  # 06:41: the same 5m bar changes
            second = (await next_frame(ws, 3.0, "update"))["bars"]
            return [*first, *second]

    first, second = run_async(scenario())
    assert first["time"] == second["time"] and second["volume"] == 12.0
    assert second == api_bars(server, limit=1, **ha)[0]


def test_a_bad_chart_is_an_error_frame_and_the_connection_stays(server: str) -> None:
    async def scenario() -> list[dict]:
        async with websockets.connect(ws_url(server)) as ws:
            frames = []
            for request in (
                {"type": "subscribe", "id": "b", "symbol": "EURUSD", "chart": "renko"},
                {"type": "replay", "id": "r", "symbol": "EURUSD", "chart": 3, "start": 0},
                {"type": "subscribe", "id": "ok", "symbol": "EURUSD", "chart": "heikin_ashi",
                 "limit": 2},
            ):  # fmt: skip
                await ws.send(json.dumps(request))
                frames.append(await next_frame(ws))
            return frames

    bad, not_text, ok = run_async(scenario())
    http = httpx.get(server + "/api/ohlcv", params={"symbol": "EURUSD", "chart": "renko"})
    assert http.status_code == 422
    assert bad["type"] == "error" and bad["id"] == "b" and bad["detail"] == http.json()["detail"]
    assert not_text["type"] == "error" and "chart must be a string" in not_text["detail"]
    assert ok["type"] == "snapshot" and ok["bars"] == api_bars(
        server, symbol="EURUSD", chart="heikin_ashi", limit=2
    )


def test_heikin_ashi_replay_plays_the_api_candles(server: str) -> None:
    start = int(START.timestamp()) + 100 * 60
    ha = {"symbol": "EURUSD", "timeframe": "1m", "chart": "heikin_ashi", **LINES}

    async def scenario() -> list[dict]:
        async with websockets.connect(ws_url(server)) as ws:
            await ws.send(json.dumps({"type": "replay", "id": "r", "start": start, "speed": 50,
                                      "limit": 3, **ha}))  # fmt: skip
            return [await next_frame(ws, 3.0) for _ in range(4)]

    snapshot, *played = run_async(scenario())
    expected = api_bars(server, start=start - 180, limit=6, **ha)
    assert snapshot["type"] == "snapshot" and snapshot["bars"] == expected[:3]
    assert [frame["bars"][0] for frame in played] == expected[3:]
