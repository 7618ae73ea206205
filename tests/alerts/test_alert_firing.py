"""Alerts fire on the server's live bars: a real uvicorn over a temp DATA_DIR whose CSV the test
appends to, a real WebSocket page, and a local webhook stand-in."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from tests.alerts.webhook_stand_in import WebhookStandIn
from tests.async_run import run_async
from tests.live.conftest import (
    BARS,
    START,
    SYMBOL,
    api_bars,
    append,
    next_frame,
    row,
    run_server,
    write_minutes,
    ws_url,
)

ME = {"X-Client-Id": "alert-page"}


@pytest.fixture(scope="module")
def alert_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("alerts")
    write_minutes(folder / f"{SYMBOL}.csv")
    write_minutes(folder / "GBPUSD.csv", seed=2)
    write_minutes(folder / "USDJPY.csv", seed=3)
    return folder


@pytest.fixture(scope="module")
def alert_server(alert_dir: Path) -> Iterator[str]:
    settings = {
        "ALERT_WEBHOOK_HOSTS": "127.0.0.1",
        "ALERT_WEBHOOK_TIMEOUT_S": "1",
        "ALERT_WEBHOOK_RETRIES": "1",
        "ALERTS_SYNC_S": "1",
    }
    with run_server(alert_dir, **settings) as base:
        yield base


def last_close(base: str, symbol: str = SYMBOL) -> float:
    return api_bars(base, symbol=symbol, timeframe="1m", emas="", limit=1)[-1]["close"]


def create(base: str, **body: object) -> dict:
    answer = httpx.post(base + "/api/alerts", json=body, headers=ME, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def alert_page(base: str, client_id: str = "alert-page"):
    ws = await websockets.connect(ws_url(base))
    await ws.send(json.dumps({"type": "alerts", "id": "a", "client_id": client_id}))
    ack = await next_frame(ws, 10.0)
    assert ack == {"type": "alerts", "id": "a", "subscribed": True}
    return ws


async def quiet(ws, seconds: float, kind: str) -> list[dict]:
    """Frames of ``kind`` that come within ``seconds``."""
    got = []
    end = asyncio.get_running_loop().time() + seconds
    while (left := end - asyncio.get_running_loop().time()) > 0:
        try:
            frame = await next_frame(ws, left)
        except TimeoutError:
            break
        if frame["type"] == kind:
            got.append(frame)
    return got


def test_a_price_alert_fires_once_on_the_page_and_the_webhook(alert_server: str, alert_dir: Path):
    csv = alert_dir / f"{SYMBOL}.csv"
    level = round(last_close(alert_server) + 5, 4)
    with WebhookStandIn() as hook:

        async def scenario() -> tuple[dict, list[dict]]:
            ws = await alert_page(alert_server)
            stranger = await alert_page(alert_server, "someone-else")
            alert = create(alert_server, symbol=SYMBOL, timeframe="1m",
                           condition={"type": "price_cross", "price": level},
                           frequency="once", expires=None, webhook_url=hook.url,
                           message=None)  # fmt: skip
            assert alert["state"] == "armed" and alert["condition"]["price"] == level
            append(csv, row(BARS, level - 1))  # below: nothing
            assert await quiet(ws, 1.0, "alert") == []
            append(csv, row(BARS + 1, level + 2))  # crosses up
            frame = await next_frame(ws, 10.0, kind="alert")
            append(csv, row(BARS + 2, level - 3))  # back down and up again: once is once
            append(csv, row(BARS + 3, level + 3))
            more = await quiet(ws, 2.0, "alert")
            assert await quiet(stranger, 0.2, "alert") == []  # another owner's page
            await ws.close()
            await stranger.close()
            return alert, [frame, *more]

        alert, frames = run_async(scenario())
        assert len(frames) == 1, frames
        (frame,) = frames
        assert frame["alert"] == alert["id"] and frame["id"] == "a"
        assert frame["price"] == level + 2 and frame["symbol"] == SYMBOL
        bar_time = api_bars(alert_server, symbol=SYMBOL, timeframe="1m", emas="", limit=3)[0]
        assert frame["time"] == bar_time["time"]
        received = hook.wait_for(1)
        time.sleep(0.5)
        assert len(hook.received) == 1
        assert received[0] == {
            "alert": alert["id"],
            "symbol": SYMBOL,
            "timeframe": "1m",
            "time": frame["time"],
            "price": level + 2,
            "message": frame["message"],
        }
    stored = httpx.get(f"{alert_server}/api/alerts/{alert['id']}", headers=ME).json()
    assert stored["state"] == "triggered" and stored["fired_count"] == 1
    deadline = time.monotonic() + 5
    while True:
        events = httpx.get(f"{alert_server}/api/alerts/{alert['id']}/events", headers=ME).json()
        if (events and events[0]["webhook"] != "pending") or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert [(e["time"], e["price"], e["delivered"]) for e in events] == [
        (frame["time"], level + 2, True)
    ]
    assert events[0]["message"] == frame["message"] and events[0]["pages"] == 1


def test_a_hanging_webhook_does_not_delay_the_live_bars(alert_server: str, alert_dir: Path):
    csv = alert_dir / "GBPUSD.csv"
    base_close = last_close(alert_server, "GBPUSD")
    with WebhookStandIn(hang=True) as hook:

        async def scenario() -> list[float]:
            ws = await websockets.connect(ws_url(alert_server))
            await ws.send(json.dumps({"type": "subscribe", "symbol": "GBPUSD",
                                      "timeframe": "1m", "limit": 1}))  # fmt: skip
            await next_frame(ws, 10.0, kind="snapshot")
            create(alert_server, symbol="GBPUSD", timeframe="1m",
                   condition={"type": "indicator", "expr": "close > 0"},
                   frequency="every_time", webhook_url=hook.url)  # fmt: skip
            delays = []
            for i in range(4):
                written = time.monotonic()
                append(csv, row(BARS + i, base_close + i))
                frame = await next_frame(ws, 10.0, kind="update")
                assert frame["bars"][-1]["close"] == base_close + i
                delays.append(time.monotonic() - written)
            await ws.close()
            return delays

        delays = run_async(scenario())
        assert hook.wait_for(1)[0] == {"hung": True}  # the receiver got it and hangs
    assert max(delays) < 3.0, delays  # the watch debounce is 0.1 s; a held path would wait 1 s+


def test_an_indicator_alert_on_rsi_fires(alert_server: str, alert_dir: Path):
    """A fall then a run of rising closes: RSI(14) crosses above 70 and the alert fires."""
    csv = alert_dir / "USDJPY.csv"
    close = api_bars(alert_server, symbol="USDJPY", timeframe="1m", emas="", limit=1)[-1]["close"]

    async def scenario() -> dict:
        ws = await alert_page(alert_server)
        create(alert_server, symbol="USDJPY", timeframe="1m",
               condition={"type": "indicator", "expr": "rsi_14 crosses above 70"},
               frequency="once_per_bar")  # fmt: skip
        price = close
        lines = []
        for i in range(20):  # RSI well under 70
            price -= 2
            lines.append(row(BARS + i, price))
        append(csv, "".join(lines))
        assert await quiet(ws, 1.0, "alert") == []
        for i in range(12):
            price += 3
            append(csv, row(BARS + 20 + i, price))
        frame = await next_frame(ws, 15.0, kind="alert")
        await ws.close()
        return frame

    frame = run_async(scenario())
    assert "rsi_14 crosses above 70" in frame["message"]
    rsi = api_bars(alert_server, symbol="USDJPY", timeframe="1m", emas="", indicators="rsi:14",
                   end=frame["time"], limit=3)  # fmt: skip
    # the crossing bar, or the one after it when both were read in one pass of the file
    assert rsi[-1]["rsi_14"] >= 70 and min(bar["rsi_14"] for bar in rsi[:-1]) < 70


def test_a_failing_webhook_is_retried_until_it_takes_it(alert_server: str, alert_dir: Path):
    csv = alert_dir / "GBPUSD.csv"
    bars = api_bars(alert_server, symbol="GBPUSD", timeframe="1m", emas="", limit=1)
    level = round(bars[-1]["close"] - 5, 4)
    minute = (bars[-1]["time"] - int(START.timestamp())) // 60 + 1
    with WebhookStandIn(fail_first=1) as hook:
        alert = create(alert_server, symbol="GBPUSD", timeframe="1m",
                       condition={"type": "price_cross", "price": level},
                       webhook_url=hook.url)  # fmt: skip
        append(csv, row(minute, level - 1))  # crosses down
        received = hook.wait_for(1, timeout=15)
        assert len(received) == 1 and received[0]["alert"] == alert["id"]
        assert hook.failures_left == 0  # the first answer was a 503
    deadline = time.monotonic() + 5
    while True:
        events = httpx.get(f"{alert_server}/api/alerts/{alert['id']}/events", headers=ME).json()
        if (events and events[0]["webhook"] == "sent") or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert events[0]["webhook"] == "sent" and events[0]["delivered"] is True
