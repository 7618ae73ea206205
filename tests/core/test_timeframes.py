"""Timeframe names, native timeframe detection and resampling rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.core import (
    TIMEFRAMES,
    TimeframeError,
    coarsest_needed,
    detect_timeframe,
    parse_timeframe,
    resample_ohlcv,
    timeframes_not_finer_than,
)
from app.core.frame import canonical_frame_from_ns, epoch_nanoseconds
from app.core.synthetic import synthetic_ohlcv

ALL = ["1m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M"]


def bars(times, opens, highs, lows, closes, volumes) -> pd.DataFrame:
    stamps = pd.DatetimeIndex(pd.to_datetime(times, utc=True)).as_unit("ns")
    return canonical_frame_from_ns(
        epoch_nanoseconds(stamps),
        *(np.asarray(v, dtype=float) for v in (opens, highs, lows, closes, volumes)),
    )


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("1m", "1m"), ("M1", "1m"), ("m5", "5m"), ("M15", "15m"), ("m30", "30m"),
        ("1h", "1h"), ("H1", "1h"), ("h4", "4h"), ("4H", "4h"), ("D", "1d"), ("d1", "1d"),
        ("1D", "1d"), ("W", "1w"), ("w1", "1w"), (" 1w ", "1w"), ("60m", "1h"),
        ("M5", "5m"), ("5m", "5m"), ("15m", "15m"), ("1MIN", "1m"),
        ("2h", "2h"), ("H2", "2h"), ("6h", "6h"), ("8H", "8h"), ("h8", "8h"), ("12h", "12h"),
        ("H12", "12h"), ("720m", "12h"), ("3d", "3d"), ("3D", "3d"), ("72h", "3d"),
        ("minute1", "1m"), ("minute5", "5m"), ("minute15", "15m"), ("minute30", "30m"),
        ("hour1", "1h"), ("hour4", "4h"), ("hour8", "8h"), ("hour12", "12h"), ("day1", "1d"),
        ("week1", "1w"), ("month1", "1M"), ("Hour8", "8h"),
    ],
)  # fmt: skip
def test_names_and_aliases(value, name):
    assert parse_timeframe(value).name == name


@pytest.mark.parametrize("value", ["1M", " 1M ", "1mo", "1MO", "1month", "MN1", "mn"])
def test_a_month_is_1M_as_in_tradingview(value):
    assert parse_timeframe(value).name == "1M"


@pytest.mark.parametrize("value", ["1m", "1min", "M1"])
def test_minutes_stay_minutes(value):
    assert parse_timeframe(value).name == "1m"


@pytest.mark.parametrize("value", ["3M", "12M"])
def test_several_months_are_refused_naming_1M(value):
    count = value[:-1]
    with pytest.raises(TimeframeError) as err:
        parse_timeframe(value)
    assert str(err.value) == (
        f"Timeframe '{count}M' means {count} months (capital M, as in TradingView); only 1M is "
        f"offered. For minutes use a lower-case m ({count}m). Allowed: 1m, 5m, 15m, 30m, 1h, "
        "2h, 4h, 6h, 8h, 12h, 1d, 3d, 1w, 1M."
    )


def test_a_huge_timeframe_is_shortened_in_the_message():
    with pytest.raises(TimeframeError) as err:
        parse_timeframe("h" * 5000)
    assert str(err.value).startswith(f"Unknown timeframe '{'h' * 39}…'. Allowed: 1m")


def test_unknown_timeframe_lists_the_allowed_ones():
    with pytest.raises(
        TimeframeError,
        match=r"Unknown timeframe '3h'\. Allowed: 1m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d",
    ) as err:
        parse_timeframe("3h")
    assert err.value.parameter == "timeframe"


def test_timeframes_finest_first():
    assert list(TIMEFRAMES) == ALL
    seconds = [tf.seconds for tf in TIMEFRAMES.values()]
    assert seconds == sorted(seconds)


@pytest.mark.parametrize(
    ("native", "allowed"),
    [
        ("1m", ALL),
        ("1h", ["1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M"]),
        ("H4", ["4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M"]),
        (parse_timeframe("1d"), ["1d", "3d", "1w", "1M"]),
        ("hour12", ["12h", "1d", "3d", "1w", "1M"]),
        ("1w", ["1w", "1M"]),
        (None, ALL),
    ],
)
def test_timeframes_not_finer_than_the_data(native, allowed):
    assert timeframes_not_finer_than(native) == allowed


def test_timeframes_not_finer_than_an_unknown_name_is_an_error():
    with pytest.raises(TimeframeError, match="Unknown timeframe '3h'"):
        timeframes_not_finer_than("3h")


def test_a_finer_timeframe_names_the_ones_the_data_allows():
    daily = bars(
        pd.date_range("2024-01-01", periods=10, freq="1D"), *([np.ones(10)] * 4), np.ones(10)
    )
    with pytest.raises(TimeframeError, match=r"native 1d bars; choose one of: 1d, 3d, 1w, 1M\."):
        resample_ohlcv(daily, parse_timeframe("1h"))


@pytest.mark.parametrize(
    ("freq", "name"),
    [
        ("1min", "1m"), ("5min", "5m"), ("1h", "1h"), ("2h", "2h"), ("4h", "4h"), ("6h", "6h"),
        ("8h", "8h"), ("12h", "12h"), ("3D", "3d"), ("7D", "1w"),
    ],
)  # fmt: skip
def test_detect_regular(freq, name):
    times = pd.date_range("2024-01-01", periods=50, freq=freq, tz="UTC")
    frame = bars(times, *([np.ones(50)] * 4), np.zeros(50))
    assert detect_timeframe(frame).name == name


def test_detect_daily_with_weekend_gaps_and_odd_spacing():
    days = pd.bdate_range("2024-01-01", periods=60, tz="UTC")
    assert detect_timeframe(bars(days, *([np.ones(60)] * 4), np.zeros(60))).name == "1d"
    three_hourly = pd.date_range("2024-01-01", periods=30, freq="3h", tz="UTC")
    assert detect_timeframe(bars(three_hourly, *([np.ones(30)] * 4), np.zeros(30))).name == "2h"


def test_resample_1m_to_1h_keeps_partial_first_and_last_bars():
    # 00:58, 00:59 | 01:00 ... 01:59 | 02:00, 02:01 -> three hourly bars, the outer ones partial.
    times = pd.date_range("2024-01-01T00:58Z", "2024-01-01T02:01Z", freq="1min")
    n = len(times)
    opens = np.arange(n, dtype=float) + 100
    closes = opens + 0.5
    highs = closes + 1
    lows = opens - 1
    volumes = np.ones(n)
    out = resample_ohlcv(bars(times, opens, highs, lows, closes, volumes), parse_timeframe("1h"))

    assert out["time"].dt.strftime("%H:%M").tolist() == ["00:00", "01:00", "02:00"]
    assert str(out["time"].dtype) == "datetime64[ns, UTC]"
    assert out["open"].tolist() == [100.0, 102.0, 162.0]  # first of each bin
    assert out["close"].tolist() == [101.5, 161.5, 163.5]  # last of each bin
    assert out["high"].tolist() == [102.5, 162.5, 164.5]  # max
    assert out["low"].tolist() == [99.0, 101.0, 161.0]  # min
    assert out["volume"].tolist() == [2.0, 60.0, 2.0]  # sum


def test_resample_aligns_to_utc_boundaries_and_drops_empty_bins():
    times = ["2024-01-01T02:00Z", "2024-01-01T03:00Z", "2024-01-01T05:00Z", "2024-01-01T17:00Z"]
    frame = bars(
        times, [1, 2, 3, 4], [2, 3, 4, 5], [0.5, 1.5, 2.5, 3.5], [1.5, 2.5, 3.5, 4.5], [1, 1, 1, 1]
    )
    out = resample_ohlcv(frame, parse_timeframe("4h"))
    assert out["time"].dt.strftime("%H:%M").tolist() == ["00:00", "04:00", "16:00"]
    assert out["open"].tolist() == [1.0, 3.0, 4.0]
    assert out["close"].tolist() == [2.5, 3.5, 4.5]


def test_weeks_start_monday():
    days = pd.date_range("2024-01-03", "2024-01-16", freq="D", tz="UTC")  # Wed 3rd .. Tue 16th
    n = len(days)
    frame = bars(
        days,
        np.arange(n) + 1.0,
        np.arange(n) + 2.0,
        np.arange(n) + 0.5,
        np.arange(n) + 1.5,
        np.ones(n),
    )
    out = resample_ohlcv(frame, parse_timeframe("W"))
    assert out["time"].dt.strftime("%a %Y-%m-%d").tolist() == [
        "Mon 2024-01-01",
        "Mon 2024-01-08",
        "Mon 2024-01-15",
    ]
    assert out["volume"].tolist() == [5.0, 7.0, 2.0]  # Wed-Sun, a full week, Mon-Tue


@pytest.mark.parametrize(
    "name", ["5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w"]
)
def test_matches_pandas_resample(name):
    frame = synthetic_ohlcv(20_000, "1m", seed=3, start="2024-02-07T13:17")
    tf = parse_timeframe(name)
    origin = "epoch" if name == "3d" else "start_day"  # 3-day bins count from 1970-01-01
    expected = (
        frame.resample(tf.pandas_rule, on="time", closed="left", label="left", origin=origin)
        .agg({"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"})
        .dropna(subset=["open"])
        .reset_index()
    )
    expected["time"] = expected["time"].dt.as_unit("ns")
    pd.testing.assert_frame_equal(
        resample_ohlcv(frame, tf), expected, check_exact=False, rtol=1e-12
    )


def test_finer_than_native_is_an_error():
    frame = synthetic_ohlcv(100, "1h")
    with pytest.raises(
        TimeframeError,
        match=r"Timeframe 15m is finer than this data's native 1h bars; "
        r"choose one of: 1h, 2h, 4h, 6h, 8h, 12h, 1d, 3d, 1w, 1M\.",
    ):
        resample_ohlcv(frame, parse_timeframe("15m"))


def test_coarsest_needed():
    hourly = parse_timeframe("1h")
    assert coarsest_needed(hourly, 3600 * 100, 500).name == "1h"
    assert coarsest_needed(hourly, 3600 * 1000, 500).name == "2h"
    assert coarsest_needed(hourly, 3600 * 2000, 500).name == "4h"
    assert coarsest_needed(hourly, 3600 * 5000, 500).name == "12h"
    assert coarsest_needed(hourly, 86400 * 1000, 500).name == "3d"
    assert coarsest_needed(hourly, 86400 * 400, 500).name == "1d"
    assert coarsest_needed(hourly, 86400 * 365 * 5, 500).name == "1w"
    assert coarsest_needed(hourly, 86400 * 365 * 50, 500).name == "1M"
    assert coarsest_needed(parse_timeframe("1d"), 60, 500).name == "1d"


def test_3d_bins_count_from_the_epoch_and_8h_from_midnight():
    hourly = synthetic_ohlcv(24 * 10, "1h", seed=5, start="2024-01-01")
    three_days = resample_ohlcv(hourly, parse_timeframe("3d"))
    starts = epoch_nanoseconds(three_days["time"]) // 10**9
    assert all(start % (3 * 86400) == 0 for start in starts)
    assert three_days["volume"].sum() == pytest.approx(hourly["volume"].sum())
    eight = resample_ohlcv(hourly, parse_timeframe("hour8"))
    assert len(eight) == 30 and all(t.hour in (0, 8, 16) for t in eight["time"])
