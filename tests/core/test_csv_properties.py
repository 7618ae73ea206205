"""Property-based tests (hypothesis) of the CSV reader: whatever bytes arrive, it returns a valid
canonical frame or raises DataError (never another exception); and any valid bars written as
CSV, in any of the accepted dialects, read back as the same bars."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import DataError, read_ohlcv_bytes
from app.core.frame import OHLCV_COLUMNS

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

prices = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def bars(draw) -> pd.DataFrame:
    count = draw(st.integers(min_value=1, max_value=40))
    start = draw(st.integers(min_value=946_684_800, max_value=1_900_000_000))
    gaps = draw(st.lists(st.integers(1, 86_400), min_size=count, max_size=count))
    times = start + np.cumsum(gaps)
    rows = []
    for _ in range(count):
        a, b = draw(prices), draw(prices)
        low, high = min(a, b), max(a, b)
        open_ = draw(st.floats(min_value=low, max_value=high))
        close = draw(st.floats(min_value=low, max_value=high))
        rows.append((open_, high, low, close, float(draw(st.integers(0, 10**9)))))
    frame = pd.DataFrame(rows, columns=["open", "high", "low", "close", "volume"])
    frame.insert(0, "time", times)
    return frame


def is_canonical(frame: pd.DataFrame) -> bool:
    return (
        list(frame.columns) == list(OHLCV_COLUMNS)
        and str(frame["time"].dtype) == "datetime64[ns, UTC]"
        and frame["time"].is_monotonic_increasing
        and frame["time"].is_unique
        and bool((frame["high"] >= frame[["open", "close"]].max(axis=1)).all())
        and bool((frame["low"] <= frame[["open", "close"]].min(axis=1)).all())
        and bool((frame["volume"] >= 0).all())
    )


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_give_a_frame_or_a_data_error(data):
    try:
        frame = read_ohlcv_bytes(data, "fuzz.csv")
    except DataError as exc:
        assert str(exc).startswith("fuzz.csv")
        return
    assert is_canonical(frame)


header_and_rows = st.lists(
    st.text(alphabet='time,openhigclsvu;0123456789.-:TZ \t"', max_size=40), min_size=1, max_size=8
)


@FAST
@given(header_and_rows)
def test_text_that_looks_almost_like_ohlcv_gives_a_frame_or_a_data_error(lines):
    data = ("time,open,high,low,close\n" + "\n".join(lines)).encode()
    try:
        frame = read_ohlcv_bytes(data, "fuzz.csv")
    except DataError:
        return
    assert is_canonical(frame)


@FAST
@given(
    bars(),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["epoch", "iso", "iso-offset"]),
    st.booleans(),
)
def test_valid_bars_read_back_the_same_in_every_dialect(frame, delimiter, time_format, upper):
    text = frame.copy()
    stamps = pd.to_datetime(frame["time"], unit="s", utc=True)
    if time_format == "iso":
        text["time"] = stamps.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    elif time_format == "iso-offset":
        text["time"] = stamps.dt.tz_convert("Etc/GMT-2").dt.strftime("%Y-%m-%dT%H:%M:%S+02:00")
    if upper:
        text.columns = [name.upper() for name in text.columns]
    decimal = "," if delimiter == ";" else "."
    data = text.to_csv(index=False, sep=delimiter, decimal=decimal, float_format="%.17g")
    result = read_ohlcv_bytes(data.encode(), "bars.csv")
    assert is_canonical(result)
    assert (result["time"].to_numpy() == stamps.to_numpy()).all()
    for column in ("open", "high", "low", "close", "volume"):
        assert np.allclose(result[column], frame[column], rtol=1e-12)


@FAST
@given(bars(), st.integers(min_value=1, max_value=39))
def test_the_bar_cap_holds_for_any_file(frame, cap):
    data = frame.to_csv(index=False).encode()
    try:
        result = read_ohlcv_bytes(data, "bars.csv", max_bars=cap)
    except DataError as exc:
        assert len(frame) > cap and "MAX_BARS" in str(exc)
        return
    assert len(result) == len(frame) <= cap
