"""WS /ws end to end: a real uvicorn, real ``websockets`` clients, CSV files appended to."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from pathlib import Path

import httpx
import pytest
import websockets

from app.core import build_view, read_ohlcv_file
from app.core.ohlcv_json import records_json
from app.live.streams import view_columns
from tests.async_run import run_async
from tests.live.conftest import BARS, api_bars, append, next_frame, row, write_minutes, ws_url


def fresh(data_dir: Path, name: str, bars: int = BARS) -> Path:
    path = data_dir / f"{name}.csv"
    write_minutes(path, bars, seed=len(name))
    return path


def test_appended_row_reaches_client_with_indicators(server: str, data_dir: Path) -> None:
    path = fresh(data_dir, "APPEND1")

    async def scenario() -> tuple[dict, dict, float]:
        async with websockets.connect(ws_url(server)) as ws:
            await ws.send(
                json.dumps(
                    {"type": "subscribe", "symbol": "APPEND1", "timeframe": "1m",
                     "emas": "10,21", "limit": 50}
                )
            )  # fmt: skip
            snapshot = await next_frame(ws)
            began = time.monotonic()
            append(path, row(BARS, 123.25, 77))
            update = await next_frame(ws, 2.0, "update")
            return snapshot, update, time.monotonic() - began

    snapshot, update, took = run_async(scenario())
    assert snapshot["type"] == "snapshot" and snapshot["id"] == "APPEND1:1m"
    assert snapshot["bars"] == api_bars(server, symbol="APPEND1", timeframe="1m", emas="10,21",
                                        limit=51)[:-1]  # fmt: skip
    assert took < 2.0
    (bar,) = update["bars"]
    assert (update["id"], update["symbol"], update["timeframe"]) == ("APPEND1:1m", "APPEND1", "1m")
    assert bar["time"] == snapshot["bars"][-1]["time"] + 60
    assert (bar["close"], bar["high"], bar["volume"]) == (123.25, 124.25, 77.0)
    # The values /api/ohlcv gives for that bar now, EMAs included, exactly.
    assert bar == api_bars(server, symbol="APPEND1", timeframe="1m", emas="10,21", limit=1)[0]


def test_forming_bar_of_coarser_timeframe_changes_in_place(server: str, data_dir: Path) -> None:
    path = fresh(data_dir, "FORMING5")  # 400 1m bars: the last 5m bin (06:35) is complete

    async def scenario() -> list[dict]:
        async with websockets.connect(ws_url(server)) as ws:
            await ws.send(json.dumps({"type": "subscribe", "id": "f", "symbol": "FORMING5",
                                      "timeframe": "5m", "emas": "10", "limit": 20}))  # fmt: skip
            await next_frame(ws, kind="snapshot")
            bars = []
            append(path, row(BARS, 150.0, 5))  # 06:40: a new 5m bar opens
            bars += (await next_frame(ws, 3.0, "update"))["bars"]
            append(path, row(BARS + 1, 160.0, 7))  # 06:41: the same 5m bar, higher
            bars += (await next_frame(ws, 3.0, "update"))["bars"]
            return bars

    first, second = run_async(scenario())
    assert first["time"] == second["time"]  # replaced in place, not appended
    assert (first["close"], first["volume"]) == (150.0, 5.0)
    assert (second["open"], second["high"], second["close"], second["volume"]) == (
        149.9, 161.0, 160.0, 12.0,
    )  # fmt: skip
    assert second == api_bars(server, symbol="FORMING5", timeframe="5m", emas="10", limit=1)[0]


def test_last_row_rewritten_replaces_the_bar(server: str, data_dir: Path) -> None:
    path = fresh(data_dir, "REWRITE1")
    append(path, row(BARS, 101.0))

    async def scenario() -> dict:
        async with websockets.connect(ws_url(server)) as ws:
            await ws.send(json.dumps({"type": "subscribe", "symbol": "REWRITE1", "emas": "",
                                      "limit": 5}))  # fmt: skip
            snapshot = await next_frame(ws, kind="snapshot")
            assert snapshot["bars"][-1]["close"] == 101.0
            text = path.read_bytes()
            cut = text.rstrip(b"\n").rfind(b"\n") + 1
            with open(path, "r+b") as handle:  # the forming bar rewritten where it stands
                handle.seek(cut)
                handle.write(row(BARS, 102.5).encode())
                handle.truncate()
            return await next_frame(ws, 3.0, "update")

    update = run_async(scenario())
    assert update["id"] == "REWRITE1:1m"
    assert [(b["time"], b["close"]) for b in update["bars"]] == [
        (api_bars(server, symbol="REWRITE1", limit=1, emas="")[0]["time"], 102.5)
    ]


def test_bad_subscriptions_get_error_frames_and_the_connection_stays(server: str) -> None:
    async def scenario() -> list[dict]:
        async with websockets.connect(ws_url(server)) as ws:
            frames = []
            for request in (
                {"type": "subscribe", "symbol": "EURUSDX", "timeframe": "1m"},
                {"type": "subscribe", "id": "t", "symbol": "EURUSD", "timeframe": "7h"},
                {"type": "subscribe", "id": "l", "symbol": "EURUSD", "limit": 10**9},
                {"type": "subscribe", "id": "ok", "symbol": "EURUSD", "limit": 2},
            ):
                await ws.send(json.dumps(request))
                frames.append(await next_frame(ws))
            return frames

    unknown, timeframe, limit, ok = run_async(scenario())
    http = httpx.get(server + "/api/ohlcv", params={"symbol": "EURUSDX"})
    assert http.status_code == 404
    assert unknown == {"type": "error", "id": "EURUSDX:1m", **http.json()}
    assert "EURUSD" in unknown["suggestions"]
    http = httpx.get(server + "/api/ohlcv", params={"symbol": "EURUSD", "timeframe": "7h"})
    assert timeframe["detail"] == http.json()["detail"] and timeframe["id"] == "t"
    assert "LIVE_MAX_LIMIT" in limit["detail"] and limit["parameter"] == "limit"
    assert ok["type"] == "snapshot" and len(ok["bars"]) == 2


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"type": "hello"}'])
def test_malformed_frames_close_with_1008(server: str, text: str) -> None:
    async def scenario() -> int:
        async with websockets.connect(ws_url(server)) as ws:
            await ws.send(text)
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 5)
            return closed.value.rcvd.code

    assert run_async(scenario()) == 1008


def test_stats_count_clients_and_subscriptions(server: str) -> None:
    async def scenario() -> dict:
        async with websockets.connect(ws_url(server)) as a, websockets.connect(ws_url(server)) as b:
            for ws, request in (
                (a, {"type": "subscribe", "symbol": "GBPUSD", "limit": 1}),
                (a, {"type": "subscribe", "symbol": "GBPUSD", "timeframe": "5m", "limit": 1}),
                (b, {"type": "subscribe", "symbol": "gbpusd", "limit": 1}),
            ):
                await ws.send(json.dumps(request))
                await next_frame(ws, kind="snapshot")
            return httpx.get(server + "/api/stats").json()

    stats = run_async(scenario())
    no_replays = {"open": 0, "streams": 0, "held_mb": 0.0}  # builds: other tests' replays
    stats["replays"].pop("builds")
    pauses = stats.pop("pauses")  # GC pauses and loop stalls: counted since start-up
    assert stats.pop("send_timeouts") == 0  # nobody stuck
    assert pauses["gc"]["0"]["collections"] > 0 and set(pauses["gc"]) == {"0", "1", "2"}
    assert pauses["loop_stalls"]["count"] >= len(pauses["loop_stalls"]["recent"])
    assert stats == {"total_clients": 2, "total_subscriptions": 3,
                     "symbol_subscribers": {"GBPUSD": 3}, "replays": no_replays}  # fmt: skip
    deadline = time.monotonic() + 5
    while httpx.get(server + "/api/stats").json()["total_clients"] and time.monotonic() < deadline:
        time.sleep(0.1)
    stats = httpx.get(server + "/api/stats").json()
    stats["replays"].pop("builds")
    stats.pop("pauses")
    stats.pop("send_timeouts")
    assert stats == {
        "total_clients": 0, "total_subscriptions": 0, "symbol_subscribers": {},
        "replays": no_replays,
    }  # fmt: skip


def test_reconnect_resumes_without_a_gap(server: str, data_dir: Path) -> None:
    path = fresh(data_dir, "RECONNECT")
    request = {"type": "subscribe", "id": "r", "symbol": "RECONNECT", "emas": "", "limit": 10}

    async def scenario() -> tuple[list[dict], list[dict], dict]:
        async with websockets.connect(ws_url(server)) as ws:
            await ws.send(json.dumps(request))
            held = (await next_frame(ws, kind="snapshot"))["bars"]
        append(path, row(BARS, 90.0) + row(BARS + 1, 91.0))  # while the client is away
        await asyncio.sleep(0.5)
        async with websockets.connect(ws_url(server)) as ws:
            await ws.send(json.dumps(request))
            again = (await next_frame(ws, kind="snapshot"))["bars"]
            append(path, row(BARS + 2, 92.0))
            update = await next_frame(ws, 3.0, "update")
        return held, again, update

    held, again, update = run_async(scenario())
    merged = {bar["time"]: bar for bar in held} | {bar["time"]: bar for bar in again}
    times = sorted(merged)
    assert all(b - a == 60 for a, b in itertools.pairwise(times))  # no gap
    assert times[-1] == held[-1]["time"] + 120
    assert [b["time"] for b in update["bars"]] == [times[-1] + 60]


def test_catalog_indicators_update_equal_to_the_batch_values(server: str, data_dir: Path) -> None:
    path = fresh(data_dir, "INDIC1")
    indicators = "rsi:14,macd,bb,atr,obv,vwap,stoch"

    async def scenario() -> tuple[dict, dict]:
        async with websockets.connect(ws_url(server)) as ws:
            request = {"type": "subscribe", "symbol": "INDIC1", "timeframe": "5m", "emas": "10",
                       "indicators": indicators, "limit": 30}  # fmt: skip
            await ws.send(json.dumps(request))
            snapshot = await next_frame(ws, kind="snapshot")
            append(path, row(BARS, 111.5, 40) + row(BARS + 1, 109.0, 30))
            merged: dict[int, dict] = {}
            while len(merged) < 1 or merged[max(merged)]["volume"] != 70.0:
                for bar in (await next_frame(ws, 3.0, "update"))["bars"]:
                    merged[bar["time"]] = bar
            return snapshot, merged[max(merged)]

    snapshot, bar = run_async(scenario())
    expected = build_view(read_ohlcv_file(path), symbol="INDIC1", timeframe="5m", emas=(10,),
                          indicators=indicators, limit=1)  # fmt: skip
    want = json.loads(records_json(view_columns(expected)))[0]
    assert set(want) >= {"rsi_14", "macd_12_26_9", "bb_upper_20_2", "obv", "vwap", "stoch_k_14_3_3"}
    assert set(bar) == set(want) and set(snapshot["bars"][-1]) == set(want)
    for name, value in want.items():
        assert bar[name] == pytest.approx(value, rel=1e-9, abs=1e-9), name
