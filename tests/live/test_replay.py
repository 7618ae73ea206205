"""Bar Replay over WS /ws: history from ``start``, bar by bar, paused, stepped."""

from __future__ import annotations

import json

import httpx
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
