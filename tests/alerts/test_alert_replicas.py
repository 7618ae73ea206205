"""Two replicas on one Redis and one database (SQLite in the shared DATA_DIR): an alert made on
one is armed on both, each replica's page is told once, and the webhook gets it once."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator

import httpx
import pytest
import websockets

from tests.alerts.webhook_stand_in import WebhookStandIn
from tests.async_run import run_async
from tests.live.conftest import (
    BARS,
    SYMBOL,
    api_bars,
    append,
    next_frame,
    row,
    write_minutes,
    ws_url,
)
from tests.live.test_redis_hub import RedisProcess, Replica, redis_server  # noqa: F401


@pytest.fixture(scope="module")
def alert_replicas(redis_server, tmp_path_factory) -> Iterator[tuple]:  # noqa: F811
    folder = tmp_path_factory.mktemp("alert-replicas")
    write_minutes(folder / f"{SYMBOL}.csv")
    settings = {"ALERT_WEBHOOK_HOSTS": "127.0.0.1", "ALERTS_SYNC_S": "0.5"}
    pair = [Replica(folder, redis_server.url, **settings) for _ in range(2)]
    try:
        for replica in pair:
            replica.start()
        yield folder, pair
    finally:
        for replica in pair:
            replica.stop()


async def page(replica: Replica):
    ws = await websockets.connect(ws_url(replica.base))
    await ws.send(json.dumps({"type": "alerts", "client_id": "replicated"}))
    assert (await next_frame(ws, 10.0))["subscribed"] is True
    return ws


async def alert_frames(ws, seconds: float) -> list[dict]:
    got = []
    end = asyncio.get_running_loop().time() + seconds
    while (left := end - asyncio.get_running_loop().time()) > 0:
        try:
            frame = await next_frame(ws, left, kind="alert")
        except TimeoutError:
            break
        got.append(frame)
    return got


def test_an_alert_fires_once_across_replicas(alert_replicas) -> None:
    folder, (first, second) = alert_replicas
    level = round(api_bars(first.base, symbol=SYMBOL, timeframe="1m", emas="", limit=1)[-1]
                  ["close"] + 4, 4)  # fmt: skip
    with WebhookStandIn() as hook:

        async def scenario() -> list[list[dict]]:
            pages = [await page(first), await page(second)]
            created = httpx.post(
                first.base + "/api/alerts",
                headers={"X-Client-Id": "replicated"},
                json={"symbol": SYMBOL, "timeframe": "1m", "frequency": "once",
                      "condition": {"type": "price_cross", "price": level},
                      "webhook_url": hook.url},
                timeout=30,
            )  # fmt: skip
            assert created.status_code == 201, created.text
            await asyncio.sleep(2.0)  # the second replica arms it at its next sync
            append(folder / f"{SYMBOL}.csv", row(BARS, level + 1))
            frames = [await alert_frames(ws, 4.0) for ws in pages]
            for ws in pages:
                await ws.close()
            return frames

        frames = run_async(scenario())
        assert [len(f) for f in frames] == [1, 1], frames
        assert frames[0][0]["alert"] == frames[1][0]["alert"]
        hook.wait_for(1)
        time.sleep(1.0)
        assert len(hook.received) == 1, hook.received
        assert hook.received[0]["price"] == level + 1
    events = httpx.get(
        f"{second.base}/api/alerts/{frames[0][0]['alert']}/events",
        headers={"X-Client-Id": "replicated"},
        timeout=30,
    ).json()
    assert len(events) == 1 and events[0]["price"] == level + 1
