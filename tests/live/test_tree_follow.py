"""A file in a folder of timeframes (``<GROUP>/<SYMBOL>/<TIMEFRAME>/<file>``) is followed live
as a flat file is: an appended row reaches a subscribed client."""

from __future__ import annotations

import json
from pathlib import Path

import websockets

from tests.async_run import run_async
from tests.live.conftest import BARS, append, next_frame, row, write_minutes, ws_url


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
