"""The prepared-message fan-out: frames encoded once, written straight to uncompressed sockets."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import websockets
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from app.live.hub import LiveMessage
from app.live.prepared import prepared_frame
from tests.async_run import run_async
from tests.live.conftest import BARS, append, next_frame, row, write_minutes, ws_url


def parse(data: bytes) -> Frame:
    reader = StreamReader()
    reader.feed_data(data)
    parser = Frame.parse(reader.read_exact, mask=False)  # as a client reads a server frame
    try:
        next(parser)
    except StopIteration as done:
        return done.value
    raise AssertionError("incomplete frame")


def test_prepared_frame_is_one_whole_unmasked_text_frame_built_once() -> None:
    bars = (b'{"time":60,"close":1.5}', b'{"time":120,"close":' + b"9" * 200 + b"}")
    message = LiveMessage((60, 120), bars)
    prefix = b'{"type":"update","id":"X:1m","bars":'
    data = prepared_frame(message, prefix)
    frame = parse(data)
    assert frame.opcode is Opcode.TEXT and frame.fin
    assert json.loads(frame.data)["bars"][0] == {"time": 60, "close": 1.5}
    assert len(data) == len(frame.data) + 4  # 126-byte-plus payload: 2 + 2 header bytes
    assert prepared_frame(message, prefix) is data  # cached on the message
    assert prepared_frame(message, b'{"id":"other","bars":') != data


def test_uncompressed_and_compressed_clients_get_the_same_updates(
    server: str, data_dir: Path
) -> None:
    """The raw path (no deflate) and the ASGI path (deflate) deliver the same bars, in order,
    with none repeated after the snapshot."""
    path = data_dir / "PREP.csv"
    write_minutes(path)
    request = {"type": "subscribe", "symbol": "PREP", "timeframe": "1m", "limit": 5}

    async def collect(ws, count: int) -> list[int]:
        times: list[int] = []
        while len(times) < count:
            frame = await next_frame(ws, 5.0, "update")
            times += [bar["time"] for bar in frame["bars"] if not times or bar["time"] != times[-1]]
        return times

    async def scenario() -> tuple[list[int], list[int], int]:
        async with (
            websockets.connect(ws_url(server), compression=None) as raw,
            websockets.connect(ws_url(server)) as deflated,
        ):
            for ws in (raw, deflated):
                await ws.send(json.dumps(request))
            last = (await next_frame(raw, kind="snapshot"))["bars"][-1]["time"]
            await next_frame(deflated, kind="snapshot")
            for i in range(6):
                append(path, row(BARS + i, 100 + i))
                await asyncio.sleep(0.3)
            return await collect(raw, 6), await collect(deflated, 6), last

    raw_times, deflated_times, last = run_async(scenario())
    expected = [last + 60 * (i + 1) for i in range(6)]
    assert raw_times == expected
    assert deflated_times == expected
