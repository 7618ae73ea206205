"""A fetched canonical frame as compact bytes (Arrow IPC) for a cache shared between processes,
and back, checked: what comes back from outside is never trusted.

Layout: 4 bytes (big-endian) of a JSON head's length, the head ``{"expires_at": UNIX seconds,
"attrs": {...}}`` (the frame's served symbol and notices), then an Arrow IPC stream of the
columns ``time`` (int64 UTC nanoseconds) and ``open high low close volume`` (float64).
"""

from __future__ import annotations

import time

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa

from app.core.frame import NOTICES_ATTR, OHLCV_COLUMNS, canonical_frame_from_ns, epoch_nanoseconds
from app.core.sources.names import SERVED_SYMBOL_ATTR

MAX_HEAD_BYTES = 16_384
MAX_NOTICES = 32
MAX_TEXT = 1_000
_SCHEMA = pa.schema([("time", pa.int64())] + [(name, pa.float64()) for name in OHLCV_COLUMNS[1:]])


def frame_to_bytes(frame: pd.DataFrame, expires_at: float) -> bytes | None:
    """The frame's bytes, or None when it is not a plain canonical frame (kept local only)."""
    if tuple(frame.columns) != OHLCV_COLUMNS or set(frame.attrs) - {
        SERVED_SYMBOL_ATTR,
        NOTICES_ATTR,
    }:
        return None
    attrs = {}
    if SERVED_SYMBOL_ATTR in frame.attrs:
        attrs[SERVED_SYMBOL_ATTR] = str(frame.attrs[SERVED_SYMBOL_ATTR])
    if NOTICES_ATTR in frame.attrs:
        attrs[NOTICES_ATTR] = [str(notice) for notice in frame.attrs[NOTICES_ATTR]]
    try:
        arrays = [pa.array(epoch_nanoseconds(frame["time"]), type=pa.int64())]
        arrays += [pa.array(frame[name].to_numpy(np.float64)) for name in OHLCV_COLUMNS[1:]]
    except (TypeError, ValueError, pa.ArrowException):
        return None
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, _SCHEMA) as writer:
        writer.write_table(pa.Table.from_arrays(arrays, schema=_SCHEMA))
    head = orjson.dumps({"expires_at": expires_at, "attrs": attrs})
    return len(head).to_bytes(4, "big") + head + sink.getvalue().to_pybytes()


def frame_from_bytes(data: bytes) -> tuple[pd.DataFrame, float] | None:
    """``(frame, seconds it still lives)``, or None when the bytes are not a live frame of ours."""
    try:
        size = int.from_bytes(data[:4], "big")
        if not 0 < size <= MAX_HEAD_BYTES:
            return None
        head = orjson.loads(data[4 : 4 + size])
        table = pa.ipc.open_stream(data[4 + size :]).read_all()
    except (orjson.JSONDecodeError, ValueError, OSError, pa.ArrowException):
        return None
    left = _time_left(head)
    attrs = _attrs(head.get("attrs")) if isinstance(head, dict) else None
    if left is None or attrs is None or not table.schema.equals(_SCHEMA):
        return None
    columns = [table.column(name).to_numpy() for name in OHLCV_COLUMNS]
    times = columns[0]
    if len(times) > 1 and not bool(np.all(np.diff(times) > 0)):
        return None  # the canonical frame's times are sorted and unique
    frame = canonical_frame_from_ns(*columns)
    frame.attrs.update(attrs)
    return frame, left


def _time_left(head: object) -> float | None:
    expires_at = head.get("expires_at") if isinstance(head, dict) else None
    if not isinstance(expires_at, (int, float)) or isinstance(expires_at, bool):
        return None
    left = float(expires_at) - time.time()
    return left if left > 0 else None


def _attrs(raw: object) -> dict | None:
    if not isinstance(raw, dict) or set(raw) - {SERVED_SYMBOL_ATTR, NOTICES_ATTR}:
        return None
    attrs: dict = {}
    served = raw.get(SERVED_SYMBOL_ATTR)
    if served is not None:
        if not isinstance(served, str) or len(served) > MAX_TEXT:
            return None
        attrs[SERVED_SYMBOL_ATTR] = served
    notices = raw.get(NOTICES_ATTR)
    if notices is not None:
        if not isinstance(notices, list) or len(notices) > MAX_NOTICES:
            return None
        if not all(isinstance(n, str) and len(n) <= MAX_TEXT for n in notices):
            return None
        attrs[NOTICES_ATTR] = tuple(notices)
    return attrs
