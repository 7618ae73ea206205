"""Direct fan-out: shared prepared frames for uncompressed clients, each deflate client's own
compression context for the others; both written from the publishing task."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pandas as pd
import websockets
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from app.live.direct import reset_compressor
from app.live.hub import LiveMessage
from app.live.prepared import prepared_deflate_frame, prepared_frame
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


def parse(data: bytes, extensions: list | None = None) -> Frame:
    reader = StreamReader()
    reader.feed_data(data)
    parser = Frame.parse(reader.read_exact, mask=False, extensions=extensions)  # as a client
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


def test_shared_deflate_frame_inflates_after_any_history_and_the_reset_keeps_step() -> None:
    """The compressed update built once inflates on a client whatever that client's window
    holds; the connection's compressor, reset after it, stays in step with the client. Not
    reset, it would not: the reason for ``reset_compressor``."""
    history = b"[" + b",".join(b'{"time":%d,"close":%d.%d}' % (60 * i, i * 7 % 13, i * i % 97)
                               for i in range(60)) + b"]"  # fmt: skip
    again = history + b" and more"  # deflated with back-references into ``history``
    bars = tuple(b'{"time":%d,"close":1.%d}' % (60 * i, i) for i in range(30))
    message = LiveMessage(tuple(60 * i for i in range(30)), bars)
    prefix = b'{"type":"update","id":"X:1m","bars":'

    def exchange(reset: bool) -> bytes:
        server = PerMessageDeflate(False, False, 12, 12, {"memLevel": 5})  # as uvicorn has it
        client = PerMessageDeflate(False, False, 12, 12)

        def send(payload: bytes) -> bytes:
            data = Frame(Opcode.TEXT, payload).serialize(mask=False, extensions=[server])
            return parse(data, [client]).data

        assert send(history) == history
        shared = parse(prepared_deflate_frame(message, prefix, 12), [client])
        assert shared.data == prefix + message.joined + b"}"
        if reset:
            reset_compressor(server)
        try:
            return send(again)
        except Exception:  # websockets' error for a corrupt deflate stream
            return b""

    assert exchange(reset=True) == again
    assert exchange(reset=False) != again
    frame = prepared_deflate_frame(message, prefix, 12)
    assert frame is prepared_deflate_frame(message, prefix, 12)  # built once per message
    assert frame[0] & 0x40 and len(frame) < len(prepared_frame(message, prefix))  # RSV1: deflated


def test_deflate_and_plain_clients_on_one_stream_get_every_bar_in_order(
    server: str, data_dir: Path
) -> None:
    """Two permessage-deflate and two uncompressed clients (default id and their own) on one
    stream: each gets every bar, in order, ending with the values /api/ohlcv gives, while
    frames of the writer task (a second snapshot, an error) interleave with the direct writes
    on the same compression context (one out of step would not inflate: the client would fail)."""
    path = data_dir / "MIXED.csv"
    write_minutes(path, seed=5)
    request = {"type": "subscribe", "symbol": "MIXED", "timeframe": "1m", "emas": "10,21",
               "limit": 5}  # fmt: skip
    clients = [("deflate", None), ("deflate", "mine"), (None, None), (None, "mine")]
    final = (BARS + 3, 103.5)  # the last bar written and its last close (100.5 + 3)

    async def scenario() -> tuple[list[list[dict]], list[bool]]:
        sockets = [await websockets.connect(ws_url(server), compression=c) for c, _ in clients]
        compressed = [bool(ws.protocol.extensions) for ws in sockets]
        logs: list[list[dict]] = [[] for _ in sockets]
        try:
            for ws, (_, own_id) in zip(sockets, clients, strict=True):
                await ws.send(json.dumps({**request, "id": own_id} if own_id else request))
                await next_frame(ws, kind="snapshot")

            async def read(ws, log: list[dict]) -> None:
                async for text in ws:
                    log.append(json.loads(text))

            readers = [
                asyncio.create_task(read(ws, log)) for ws, log in zip(sockets, logs, strict=True)
            ]
            for minute in range(BARS, BARS + 4):
                append(path, row(minute, 100.0 + minute - BARS))
                await asyncio.sleep(0.3)
                rewrite_last(path, row(minute, 100.5 + minute - BARS))
                await asyncio.sleep(0.3)
                if minute == BARS + 1:  # writer-task frames in the middle of the stream
                    for ws in sockets:
                        await ws.send(json.dumps({"type": "subscribe", "id": "g",
                                                  "symbol": "GBPUSD", "limit": 300}))  # fmt: skip
                        await ws.send(
                            json.dumps({"type": "subscribe", "id": "bad", "symbol": "NOPE"})
                        )
            deadline = asyncio.get_running_loop().time() + 10
            want_time = int(pd_time(final[0]))
            while asyncio.get_running_loop().time() < deadline and not all(
                any(
                    bar["time"] == want_time and bar["close"] == final[1]
                    for frame in log
                    if frame["type"] == "update"
                    for bar in frame["bars"]
                )
                for log in logs
            ):
                await asyncio.sleep(0.1)
            for task in readers:
                task.cancel()
        finally:
            for ws in sockets:
                await ws.close()
        return logs, compressed

    logs, compressed = run_async(scenario())
    assert compressed == [True, True, False, False]
    expected = api_bars(server, symbol="MIXED", timeframe="1m", emas="10,21", limit=4)
    assert [bar["time"] for bar in expected] == [int(pd_time(m)) for m in range(BARS, BARS + 4)]
    for log, (_, own_id) in zip(logs, clients, strict=True):
        updates = [f for f in log if f["type"] == "update" and f["id"] != "g"]
        assert {f["id"] for f in updates} == {own_id or "MIXED:1m"}
        times = [bar["time"] for f in updates for bar in f["bars"]]
        assert times == sorted(times)  # in order: a bar replaced, or a newer one appended
        latest = {bar["time"]: bar for f in updates for bar in f["bars"]}
        assert list(latest.values()) == expected  # every bar, its last state, EMAs included
        kinds = {(f["type"], f["id"]) for f in log}
        assert ("snapshot", "g") in kinds and ("error", "bad") in kinds


def pd_time(minute: int) -> float:
    return (START + pd.Timedelta(minutes=minute)).timestamp()
