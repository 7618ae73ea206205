"""A file in a folder of timeframes (``<GROUP>/<SYMBOL>/<TIMEFRAME>/<file>``) is followed live
as a flat file is: an appended row reaches a subscribed client."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pandas as pd
import websockets

from tests.async_run import run_async
from tests.live.conftest import (
    BARS,
    api_bars,
    append,
    next_frame,
    row,
    write_minutes,
    ws_url,
)


def test_a_row_appended_to_a_tree_file_reaches_a_live_client(server: str, data_dir: Path) -> None:
    folder = data_dir / "FXCM" / "EURJPY" / "1m"
    folder.mkdir(parents=True)
    path = folder / "eurjpy_1m.csv"
    write_minutes(path, BARS, seed=31)

    async def scenario() -> tuple[dict, list[dict]]:
        async with websockets.connect(ws_url(server)) as ws:
            await ws.send(json.dumps({"type": "subscribe", "symbol": "FXCM/EURJPY",
                                      "emas": "", "limit": 5}))  # fmt: skip
            snapshot = await next_frame(ws, kind="snapshot")
            append(path, row(BARS, 123.45))
            append(path, row(BARS + 1, 124.5))
            bars: list[dict] = []
            while not bars or bars[-1]["time"] < snapshot["bars"][-1]["time"] + 120:
                bars.extend((await next_frame(ws, 3.0, "update"))["bars"])
            return snapshot, bars

    snapshot, bars = run_async(scenario())
    assert snapshot["symbol"] == "EURJPY"
    last = snapshot["bars"][-1]["time"]
    assert [bar["time"] for bar in bars][-2:] == [last + 60, last + 120]
    assert [bar["close"] for bar in bars][-2:] == [123.45, 124.5]


def test_a_timeframe_with_a_file_of_its_own_is_followed_from_that_file(
    server: str, data_dir: Path
) -> None:
    """A tree with 1m and 1h files: a 1h subscription starts from the 1h file (as /api/ohlcv
    reads it, not the minutes aggregated) and a row appended to it is live."""
    minutes, hours = data_dir / "FXCM" / "CHFJPY" / "1m", data_dir / "FXCM" / "CHFJPY" / "1h"
    minutes.mkdir(parents=True)
    hours.mkdir(parents=True)
    write_minutes(minutes / "m.csv", BARS, seed=32)
    hourly = hours / "h.csv"
    write_minutes(hourly, 30, seed=33)
    text = hourly.read_text().splitlines()
    stamps = pd.date_range("2024-01-01", periods=30, freq="1h").strftime("%Y-%m-%dT%H:%MZ")
    hourly.write_text(
        "\n".join([text[0], *(f"{t},{line.split(',', 1)[1]}" for t, line in
                               zip(stamps, text[1:], strict=True))]) + "\n"
    )  # fmt: skip
    deadline = time.monotonic() + 5  # a new folder deep in a tree is listed within a second
    while httpx.get(server + "/api/timeframes/CHFJPY").status_code == 404:
        assert time.monotonic() < deadline, "the new tree was not listed"
        time.sleep(0.2)
    expected = api_bars(server, symbol="CHFJPY", timeframe="1h", emas="", limit=5)

    async def scenario() -> tuple[dict, list[dict]]:
        async with websockets.connect(ws_url(server)) as ws:
            await ws.send(json.dumps({"type": "subscribe", "symbol": "CHFJPY",
                                      "timeframe": "1h", "emas": "", "limit": 5}))  # fmt: skip
            snapshot = await next_frame(ws, kind="snapshot")
            append(hourly, "2024-01-02T06:00Z,150.0,151.0,149.0,150.5,7\n")
            bars: list[dict] = []
            while not bars or bars[-1]["time"] < snapshot["bars"][-1]["time"] + 3600:
                bars.extend((await next_frame(ws, 3.0, "update"))["bars"])
            return snapshot, bars

    snapshot, bars = run_async(scenario())
    assert [bar["close"] for bar in snapshot["bars"]] == [bar["close"] for bar in expected]
    assert bars[-1]["close"] == 150.5 and bars[-1]["volume"] == 7


def test_a_tree_symbol_with_its_source_prefix_is_followed_too(server: str, data_dir: Path) -> None:
    folder = data_dir / "KRAKEN" / "XBTEUR" / "1m"
    folder.mkdir(parents=True)
    path = folder / "x.csv"
    write_minutes(path, BARS, seed=34)
    deadline = time.monotonic() + 5
    while httpx.get(server + "/api/timeframes/FILES:XBTEUR").status_code == 404:
        assert time.monotonic() < deadline, "the new tree was not listed"
        time.sleep(0.2)

    async def scenario() -> tuple[dict, list[dict]]:
        async with websockets.connect(ws_url(server)) as ws:
            await ws.send(json.dumps({"type": "subscribe", "symbol": "FILES:KRAKEN/XBTEUR",
                                      "timeframe": "5m", "emas": "", "limit": 3}))  # fmt: skip
            snapshot = await next_frame(ws, kind="snapshot")
            append(path, row(BARS, 321.0))
            bars: list[dict] = []
            while not bars or bars[-1]["close"] != 321.0:
                bars.extend((await next_frame(ws, 3.0, "update"))["bars"])
            return snapshot, bars

    expected = api_bars(server, symbol="FILES:KRAKEN/XBTEUR", timeframe="5m", emas="", limit=3)
    snapshot, bars = run_async(scenario())
    assert [bar["close"] for bar in snapshot["bars"]] == [bar["close"] for bar in expected]
    assert bars[-1]["close"] == 321.0
