"""What the live bench writes during a phase, and when: the send time of each bar state.

``appends``: a new row per write (round robin over the symbols), into the symbol's CSV for our
server, or as an update frame handed to the floor's publisher socket. ``rewrites``: the CSV's
last row rewritten in place (seek, write, truncate, as a feed writing its forming bar does),
every ``APPEND_EVERY``-th write appending a new minute instead; both servers read the file (the
floor through its own file watcher). A bar state is keyed by (symbol index, bar time, volume):
the volume carries the write's number, so each state is told apart.
"""

from __future__ import annotations

import time
from pathlib import Path

import orjson
from websockets.sync.client import connect

HISTORY = 500  # 1m bars in each symbol's file before the run
# The history ends a minute ago, as a live feed's does: with old dates (2024, as before #25) the
# feed's status is "historical file: last bar <date>", a new text at each new bar, so every new
# bar also sent each subscriber a status frame through its writer task (1,000 tasks woken per
# bar, and no direct write while they were) -- a cost no live feed with current dates pays.
START_S = (int(time.time()) // 60 - HISTORY) * 60
APPEND_EVERY = 10  # rewrites: every 10th write opens a new minute
SETTLE_S = 1.5  # after the last write, for the last bars to reach the clients


def csv_row(bar_time: int, close: float, volume: float) -> str:
    return f"{bar_time},{close - 0.1},{close + 1},{close - 1},{close},{volume}\n"


def symbol_files(folder: Path, count: int) -> list[str]:
    names = [f"LIVE{i}" for i in range(count)]
    for name in names:
        rows = [csv_row(START_S + 60 * k, 100 + (k % 17) * 0.25, 100.0) for k in range(HISTORY)]
        (folder / f"{name}.csv").write_text("time,open,high,low,close,volume\n" + "".join(rows))
    return names


def last_minute(path: Path) -> int:
    """The minute (from START_S) of the file's last row."""
    data = path.read_bytes()
    return (int(data[data.rstrip(b"\n").rfind(b"\n") + 1 :].split(b",", 1)[0]) - START_S) // 60


def paced(seconds: float, rate: float):
    """Write numbers 0, 1, ... at ``rate`` a second for ``seconds``."""
    began = time.perf_counter()
    for k in range(int(seconds * rate)):
        delay = began + k / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        yield k


def appends(
    base_url: str | None, folder: Path, symbols: list[str], seconds: float, rate: float
) -> dict:
    """New rows: into the CSVs in ``folder`` (``base_url`` None), else to the floor's socket."""
    written: dict = {}
    # After each file's last bar (an earlier round appended some): never an older bar, which
    # would be a history change (a reload and new snapshots), not an update.
    next_bar = {i: last_minute(folder / f"{name}.csv") + 1 for i, name in enumerate(symbols)}
    control = connect(base_url.replace("http://", "ws://") + "/") if base_url else None
    for k in paced(seconds, rate):
        index = k % len(symbols)
        bar = next_bar[index]
        next_bar[index] += 1
        bar_time = START_S + 60 * bar
        close = 100 + (bar % 17) * 0.25
        written[(index, bar_time, 100.0)] = time.time()
        if control is None:
            with open(folder / f"{symbols[index]}.csv", "a") as handle:
                handle.write(csv_row(bar_time, close, 100.0))
        else:
            values = {"time": bar_time, "open": close - 0.1, "high": close + 1,
                      "low": close - 1, "close": close, "volume": 100.0,
                      "ema_10": close, "ema_21": close}  # fmt: skip
            frame = {"type": "update", "id": "s", "symbol": symbols[index], "timeframe": "1m",
                     "bars": [values]}  # fmt: skip
            text = orjson.dumps(frame).decode()
            control.send(orjson.dumps({"type": "publish", "symbol": symbols[index], "frame": text}))
    time.sleep(SETTLE_S)
    if control is not None:
        control.close()
    return written


def rewrites(folder: Path, symbols: list[str], seconds: float, rate: float) -> dict:
    """The last row of each CSV in ``folder`` rewritten in place (round robin), every
    ``APPEND_EVERY``-th write of a symbol appending a new minute."""
    written: dict = {}
    paths = [folder / f"{name}.csv" for name in symbols]
    last_start = []  # byte offset of each file's last row
    minute = {}  # of each file's last row, from START_S (an earlier round appended some)
    for index, path in enumerate(paths):
        data = path.read_bytes()
        last_start.append(data.rstrip(b"\n").rfind(b"\n") + 1)
        minute[index] = (int(data[last_start[-1] :].split(b",", 1)[0]) - START_S) // 60
    handles = [open(path, "r+b") for path in paths]  # noqa: SIM115 - closed below
    try:
        for k in paced(seconds, rate):
            index = k % len(symbols)
            turn = k // len(symbols) + 1
            volume = 1000.0 + k
            handle = handles[index]
            if turn % APPEND_EVERY == 0:  # a new minute, after the forming one
                minute[index] += 1
                handle.seek(0, 2)
                last_start[index] = handle.tell()
            bar_time = START_S + 60 * minute[index]
            row = csv_row(bar_time, 100 + (k % 29) * 0.125, volume).encode()
            written[(index, bar_time, volume)] = time.time()
            handle.seek(last_start[index])
            handle.write(row)
            handle.flush()  # the write, then the truncate: two changes, as a real writer's
            handle.truncate()
    finally:
        for handle in handles:
            handle.close()
    time.sleep(SETTLE_S)
    return written
