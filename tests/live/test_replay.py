"""Bar Replay over WS /ws: history from ``start``, bar by bar, paused, stepped."""

from __future__ import annotations

import json

import httpx
import pandas as pd
import websockets

from tests.async_run import run_async
from tests.live.conftest import START, next_frame, ws_url


def test_replay_plays_in_order_pauses_and_steps(server: str) -> None:
    start = int(START.timestamp()) + 100 * 60

    async def scenario() -> tuple[dict, list[dict], list[dict], dict, dict, dict]:
        async with websockets.connect(ws_url(server)) as ws:
            await ws.send(json.dumps({"type": "replay", "id": "r1", "symbol": "EURUSD",
                                      "timeframe": "1m", "start": start, "speed": 20,
                                      "emas": "10", "limit": 5}))  # fmt: skip
            snapshot = await next_frame(ws)
            played = [await next_frame(ws, 3.0) for _ in range(3)]
            await ws.send(json.dumps({"type": "replay_control", "id": "r1", "action": "pause"}))
            after_pause = []
            try:
                while True:
                    after_pause.append(await next_frame(ws, 0.8))
            except TimeoutError:
                pass
            await ws.send(json.dumps({"type": "replay_control", "id": "r1", "action": "step"}))
            stepped = await next_frame(ws, 3.0)
            await ws.send(json.dumps({"type": "replay_control", "id": "r1", "action": "speed",
                                      "value": 10**6}))  # fmt: skip
            refused = await next_frame(ws, 3.0)
            await ws.send(json.dumps({"type": "replay_control", "id": "r1", "action": "play"}))
            resumed = await next_frame(ws, 3.0)
            return snapshot, played, after_pause, stepped, refused, resumed

    snapshot, played, after_pause, stepped, refused, resumed = run_async(scenario())
    expected = httpx.get(
        server + "/api/ohlcv",
        params={"symbol": "EURUSD", "timeframe": "1m", "emas": "10", "start": start - 300,
                "limit": 20},
    ).json()  # fmt: skip
    assert snapshot["type"] == "snapshot" and snapshot["bars"] == expected[:5]
    assert len(after_pause) <= 1  # at most one bar already on its way when paused
    bars = [f["bars"][0] for f in (*played, *after_pause, stepped)]
    assert all(f["type"] == "update" and f["id"] == "r1" for f in (*played, stepped))
    assert bars == expected[5 : 5 + len(bars)]  # in order, no bar skipped, values as the API's
    assert refused["type"] == "error" and "LIVE_MAX_REPLAY_SPEED" in refused["detail"]
    assert resumed["bars"][0] == expected[5 + len(bars)]


def test_replay_of_an_unknown_symbol_is_an_error_frame(server: str) -> None:
    async def scenario() -> dict:
        async with websockets.connect(ws_url(server)) as ws:
            await ws.send(json.dumps({"type": "replay", "symbol": "NOPE", "start": 0}))
            return await next_frame(ws)

    frame = run_async(scenario())
    assert frame["type"] == "error" and frame["detail"].startswith("Unknown symbol 'NOPE'")


def test_replay_start_has_one_range_for_numbers_and_text(server: str) -> None:
    """#19: start -1e20 said 'not a date' while '1000-01-01' was accepted."""
    start = int(START.timestamp()) + 100 * 60
    iso = (START + pd.Timedelta(minutes=100)).strftime("%Y-%m-%dT%H:%M:%SZ")

    async def scenario() -> list[dict]:
        frames = []
        async with websockets.connect(ws_url(server)) as ws:
            for index, value in enumerate([-1e20, "1000-01-01", 10**12, start, iso]):
                await ws.send(json.dumps({"type": "replay", "id": f"s{index}", "symbol": "EURUSD",
                                          "start": value, "speed": 0.001, "limit": 3}))  # fmt: skip
                frame = await next_frame(ws)
                while frame["type"] == "update":
                    frame = await next_frame(ws)
                frames.append(frame)
                if frame["type"] == "snapshot":
                    await ws.send(json.dumps({"type": "unsubscribe", "id": f"s{index}"}))
        return frames

    far_past, old_text, far_future, number, text = run_async(scenario())
    for frame in (far_past, old_text, far_future):
        assert frame["type"] == "error" and frame["parameter"] == "start"
        assert (
            "outside the times accepted: 1677-09-21T00:12:44Z to 2262-04-11T23:47:16Z"
            in (frame["detail"])
        )
    assert number["type"] == text["type"] == "snapshot" and number["bars"] == text["bars"]
