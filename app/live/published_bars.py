"""The newest bars an upstream reader publishes for the other replicas, and their checks.

A value is ``<origin> <signature> <payload>``: the writing replica's id, the HMAC-SHA256 of the
rest under LIVE_REDIS_SECRET (``-`` without one) and a JSON payload ``{"bars": [[time_ns, open,
high, low, close, volume], ...], "error": null | "..."}``, plus ``"history"`` (a short token that
changes when the holder's whole history was replaced: a file rewritten) for pushed feeds. Nothing
read back is trusted: size, signature, shape, increasing times and finite prices are checked.
"""

from __future__ import annotations

import hmac
import math
from typing import NamedTuple

import numpy as np
import orjson
import pandas as pd

from app.core.frame import canonical_frame_from_ns
from app.live.bars import FIELDS, BarBook
from app.live.redis_wire import signature

PUBLISHED_BARS = 64  # the newest bars written after each change (or poll)
MAX_PUBLISHED_BYTES = 64 * 1024
MAX_ERROR_CHARS = 1000  # the holder's last error, shown to every replica's clients
MAX_HISTORY_CHARS = 32
KIND_POLLED = b"p"


class RejectedBars(ValueError):
    """What Redis holds is not bars a replica of this service wrote."""


class Published(NamedTuple):
    frame: pd.DataFrame
    error: str | None
    history: str | None


def encode(
    book: BarBook,
    error: str | None,
    origin: bytes,
    secret: bytes | None,
    history: str | None = None,
) -> bytes:
    """The newest ``PUBLISHED_BARS`` bars of ``book``, signed."""
    start = max(0, book.n - PUBLISHED_BARS)
    rows = [
        [int(book.times[i]), *(float(book.columns[f][i]) for f in FIELDS)]
        for i in range(start, book.n)
    ]
    body: dict[str, object] = {"bars": rows, "error": error}
    if history is not None:
        body["history"] = history
    payload = orjson.dumps(body)
    return b" ".join((origin, signature(secret, origin, KIND_POLLED, payload), payload))


def decode(value: bytes, secret: bytes | None) -> Published:
    """The bars, the error and the history token of a published value; RejectedBars else."""
    if len(value) > MAX_PUBLISHED_BYTES:
        raise RejectedBars(f"{len(value)} bytes, over the {MAX_PUBLISHED_BYTES}-byte cap")
    parts = value.split(b" ", 2)
    if len(parts) != 3:
        raise RejectedBars("not origin signature payload")
    origin, mark, payload = parts
    if not hmac.compare_digest(mark, signature(secret, origin, KIND_POLLED, payload)):
        raise RejectedBars("bad signature")
    try:
        body = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise RejectedBars("not JSON") from exc
    if not isinstance(body, dict) or set(body) - {"history"} != {"bars", "error"}:
        raise RejectedBars('not {"bars", "error"}')
    rows, error, history = body["bars"], body["error"], body.get("history")
    if error is not None and (not isinstance(error, str) or len(error) > MAX_ERROR_CHARS):
        raise RejectedBars(f"error is not text of at most {MAX_ERROR_CHARS} characters")
    if history is not None and (not isinstance(history, str) or len(history) > MAX_HISTORY_CHARS):
        raise RejectedBars(f"history is not text of at most {MAX_HISTORY_CHARS} characters")
    if not isinstance(rows, list) or len(rows) > PUBLISHED_BARS:
        raise RejectedBars(f"not a list of at most {PUBLISHED_BARS} bars")
    width = 1 + len(FIELDS)
    times: list[int] = []
    for row in rows:
        if not isinstance(row, list) or len(row) != width or type(row[0]) is not int:
            raise RejectedBars("a bar is not [time_ns, open, high, low, close, volume]")
        if times and row[0] <= times[-1]:
            raise RejectedBars("bar times do not increase")
        if not all(type(v) in (int, float) and math.isfinite(v) for v in row[1:]):
            raise RejectedBars("a price is not a finite number")
        times.append(row[0])
    columns = [np.array([r[i] for r in rows], dtype=np.float64) for i in range(1, width)]
    frame = canonical_frame_from_ns(np.array(times, dtype=np.int64), *columns)
    return Published(frame, error, history)


def first_ns(frame: pd.DataFrame) -> int:
    """The first bar's time in epoch nanoseconds."""
    return int(pd.Timestamp(frame["time"].iloc[0]).value)
