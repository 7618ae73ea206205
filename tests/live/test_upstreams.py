"""Live bars from upstreams: an exchange's kline stream (a local stand-in ``websockets`` server)
and a broker's REST API (a local stand-in HTTP server), each feeding real WebSocket clients."""

from __future__ import annotations

import asyncio
import json
import queue
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets
from websockets.sync.server import serve

from tests.async_run import run_async
from tests.core.fake_broker import Answer, FakeBroker
from tests.live.conftest import BARS, START, SYMBOL, next_frame, run_server, write_minutes, ws_url


class StandInExchange:
    """Serves ``/ws/<symbol>@kline_<interval>``: sends what the test queues, drops on request."""

    def __init__(self) -> None:
        self.outbox: queue.Queue[str | None] = queue.Queue()
        self.paths: list[str] = []
        self.server = serve(self._handle, "127.0.0.1", 0)
        self.url = f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/ws"

    def _handle(self, ws) -> None:
        self.paths.append(ws.request.path)
        while True:
            try:
                ws.recv(timeout=0.05)  # ends the handler when the server hangs up
            except TimeoutError:
                pass
            except websockets.ConnectionClosed:
                return
            try:
                message = self.outbox.get_nowait()
            except queue.Empty:
                continue
            if message is None:  # drop this connection: the server must reconnect
                return
            ws.send(message)

    def kline(self, minute: int, close: float, volume: float = 5.0) -> None:
        start_ms = (int(START.timestamp()) + 60 * minute) * 1000
        bar = {
            "t": start_ms,
            "o": f"{close - 0.5}",
            "h": f"{close + 1}",
            "l": f"{close - 1}",
            "c": f"{close}",
            "v": f"{volume}",
            "x": False,
        }
        self.outbox.put(json.dumps({"e": "kline", "s": SYMBOL, "k": bar}))


@pytest.fixture
def exchange() -> Iterator[StandInExchange]:
    import threading

    stand_in = StandInExchange()
    thread = threading.Thread(target=stand_in.server.serve_forever, daemon=True)
    thread.start()
    yield stand_in
    stand_in.server.shutdown()


@pytest.mark.slow
def test_exchange_stream_feeds_clients_with_one_upstream_and_reconnects(
    exchange: StandInExchange, tmp_path: Path
) -> None:
    write_minutes(tmp_path / f"{SYMBOL}.csv")
    with run_server(tmp_path, LIVE_WS_URL=exchange.url) as base:

        async def scenario() -> list[dict]:
            async with websockets.connect(ws_url(base)) as a, websockets.connect(ws_url(base)) as b:
                await a.send(json.dumps({"type": "subscribe", "symbol": SYMBOL, "emas": ""}))
                await b.send(
                    json.dumps(
                        {"type": "subscribe", "symbol": SYMBOL, "emas": "", "timeframe": "5m"}
                    )
                )
                await next_frame(a, kind="snapshot")
                await next_frame(b, kind="snapshot")
                got = []
                exchange.kline(BARS, 120.0)
                got.append(await next_frame(a, 5.0, "update"))
                got.append(await next_frame(b, 5.0, "update"))
                exchange.outbox.put(None)  # the exchange drops us
                deadline = time.monotonic() + 10
                while len(exchange.paths) < 2 and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                exchange.kline(BARS, 121.0, 9.0)  # the forming bar moves on
                got.append(await next_frame(a, 5.0, "update"))
                return got

        first, coarse, after_reconnect = run_async(scenario())
    assert exchange.paths == [f"/ws/{SYMBOL.lower()}@kline_1m"] * 2  # one upstream, reconnected
    bar_time = int(START.timestamp()) + 60 * BARS
    assert [(b["time"], b["close"], b["volume"]) for b in first["bars"]] == [(bar_time, 120, 5)]
    assert coarse["timeframe"] == "5m" and coarse["bars"][-1]["time"] == bar_time
    assert [(b["time"], b["close"]) for b in after_reconnect["bars"]] == [(bar_time, 121.0)]


def bars_payload(count: int, start_minute: int = 0) -> list[dict]:
    return [
        {
            "time": int(START.timestamp()) + 60 * (start_minute + i),
            "open": 100.0,
            "high": 101.0,
            "low": 99.0,
            "close": 100.5,
            "volume": 10.0,
        }
        for i in range(count)
    ]


@pytest.mark.slow
def test_broker_is_polled_once_per_symbol_whatever_the_subscribers(tmp_path: Path) -> None:
    with FakeBroker() as broker:
        broker.script("ohlcv", Answer(body=bars_payload(300)))
        settings = {
            "DATA_SOURCE": "api",
            "DATA_API_BASE": broker.base_url,
            "LIVE_POLL_S": "0.5",
            "DEFAULT_SYMBOL": "EURUSD",
            "CACHE_TTL": "60",
        }
        with run_server(tmp_path, **settings) as base:

            async def scenario() -> tuple[dict, dict, int]:
                clients = [await websockets.connect(ws_url(base)) for _ in range(3)]
                for ws in clients:
                    await ws.send(
                        json.dumps(
                            {
                                "type": "subscribe",
                                "symbol": "EURUSD",
                                "timeframe": "1m",
                                "emas": "",
                                "limit": 5,
                            }
                        )
                    )
                    await next_frame(ws, 10.0, "snapshot")
                new_bar = bars_payload(1, 300)
                new_bar[0]["close"] = 100.75
                broker.script("ohlcv", Answer(body=bars_payload(1, 299) + new_bar))
                updates = [await next_frame(ws, 5.0, "update") for ws in clients[:2]]
                polled = sum(1 for r in broker.requests if "start" in r.query)
                await asyncio.sleep(2.0)
                polled = sum(1 for r in broker.requests if "start" in r.query) - polled
                for ws in clients:
                    await ws.close()
                return updates[0], updates[1], polled

            first, second, polls_in_2s = run_async(scenario())
    assert first["bars"] == second["bars"]
    assert first["bars"][-1]["close"] == 100.75
    assert 2 <= polls_in_2s <= 6  # every 0.5 s for the symbol, not once per subscriber
