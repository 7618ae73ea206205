"""What a lease holder publishes for the other replicas (``app.live.published_bars``): read back
as written, and anything else refused before use (a value in Redis crosses a boundary)."""

from __future__ import annotations

import orjson
import pandas as pd
import pytest

from app.live.bars import BarBook
from app.live.published_bars import KIND_POLLED, PUBLISHED_BARS, RejectedBars, decode, encode
from app.live.redis_wire import signature

SECRET = b"a-secret-of-the-service-0123"
ORIGIN = b"0123456789ab"


def book(count: int) -> BarBook:
    times = pd.date_range("2024-01-01", periods=count, freq="1min", tz="UTC")
    frame = pd.DataFrame(
        {"time": times, "open": 1.0, "high": 2.0, "low": 0.5, "close": 1.5, "volume": 3.0}
    )
    frame["close"] = [1.0 + i / 100 for i in range(count)]
    return BarBook.from_frame(frame)


def signed(body: dict, secret: bytes | None = SECRET) -> bytes:
    payload = orjson.dumps(body)
    return b" ".join((ORIGIN, signature(secret, ORIGIN, KIND_POLLED, payload), payload))


def test_the_newest_bars_error_and_history_read_back() -> None:
    value = encode(book(100), "the last poll failed", ORIGIN, SECRET, history="a1b2c3")
    frame, error, history = decode(value, SECRET)
    assert len(frame) == PUBLISHED_BARS  # the newest only
    assert frame["close"].iloc[-1] == pytest.approx(1.99)
    assert (error, history) == ("the last poll failed", "a1b2c3")
    assert decode(encode(book(3), None, ORIGIN, SECRET), SECRET).history is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"x" * 70_000, "byte cap"),
        (signed({"bars": [], "error": None}, secret=b"another"), "bad signature"),
        (signed({"bars": [], "error": None, "history": 5}), "history is not text"),
        (signed({"bars": [], "error": None, "history": "h" * 33}), "history is not text"),
        (signed({"bars": [], "error": None, "extra": 1}), "not {"),
        (signed({"bars": [[1, 1.0, 2.0, 0.5, 1.5]], "error": None}), "a bar is not"),
        (signed({"bars": [[2, 1, 2, 0, 1, 1], [1, 1, 2, 0, 1, 1]], "error": None}), "increase"),
    ],
)
def test_anything_a_replica_would_not_write_is_refused(value: bytes, reason: str) -> None:
    with pytest.raises(RejectedBars, match=reason):
        decode(value, SECRET)
