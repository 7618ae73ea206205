"""Issue #11 §3: monthly bars (``1M``, ``1mo``): calendar months, labelled the 1st 00:00 UTC,
and monthly files detected as such (a BTCUSD file of monthly bars was labelled 1w)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.core import TimeframeError, build_view, detect_timeframe, resample_ohlcv
from app.core.sources.files import FileSource
from app.core.synthetic import synthetic_ohlcv
from app.core.timeframes import timeframes_not_finer_than


def monthly_csv(path, months: int = 40) -> pd.DataFrame:
    starts = pd.date_range("2021-01-01", periods=months, freq="MS", tz="UTC")
    close = 30_000 + np.arange(months) * 100.0
    frame = pd.DataFrame(
        {
            "time": starts.strftime("%Y-%m-%d"),
            "open": close - 50,
            "high": close + 500,
            "low": close - 500,
            "close": close,
            "volume": 1.0 + np.arange(months),
        }
    )
    frame.to_csv(path, index=False)
    return frame


def test_a_file_of_monthly_bars_is_detected_as_1M(tmp_path):
    monthly_csv(tmp_path / "BTCUSD.csv")
    source = FileSource(tmp_path)
    (info,) = source.list_symbols()
    assert info.symbol == "BTCUSD" and info.timeframe == "1M"
    assert timeframes_not_finer_than("1M") == ["1M"]


def test_monthly_data_shown_at_1M_is_its_own_bars(tmp_path):
    expected = monthly_csv(tmp_path / "BTCUSD.csv")
    frame = FileSource(tmp_path).load("BTCUSD")
    view = build_view(frame, symbol="BTCUSD", timeframe="1M")
    assert view.timeframe.name == "1M" and view.native_timeframe.name == "1M"
    assert len(view.frame) == len(expected)
    assert view.frame["close"].tolist() == expected["close"].tolist()
    with pytest.raises(TimeframeError, match="finer than this data's native 1M"):
        build_view(frame, symbol="BTCUSD", timeframe="1w")


def test_daily_bars_resample_to_calendar_months_labelled_the_first_utc():
    daily = synthetic_ohlcv(400, "1d", start="2023-01-15")
    monthly = resample_ohlcv(daily, "1mo")
    times = monthly["time"]
    assert (times.dt.day == 1).all() and (times.dt.hour == 0).all()
    assert str(times.dt.tz) == "UTC"
    assert times.iloc[0] == pd.Timestamp("2023-01-01", tz="UTC")  # the partial first month kept
    for _, bar in monthly.iterrows():  # each bar aggregates exactly its calendar month
        start = bar["time"]
        inside = daily[(daily["time"] >= start) & (daily["time"] < start + pd.offsets.MonthBegin())]
        assert bar["open"] == inside["open"].iloc[0]
        assert bar["close"] == inside["close"].iloc[-1]
        assert bar["high"] == inside["high"].max()
        assert bar["low"] == inside["low"].min()
        assert bar["volume"] == pytest.approx(inside["volume"].sum())


def test_hourly_bars_at_1M_match_pandas_calendar_months():
    hourly = synthetic_ohlcv(24 * 120, "1h", start="2024-01-20 05:00")
    ours = resample_ohlcv(hourly, "1M")
    reference = (
        hourly.set_index("time")
        .resample("MS")
        .agg({"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"})
        .dropna()
    )
    assert ours["time"].tolist() == list(reference.index)
    assert np.allclose(ours["close"], reference["close"])
    assert np.allclose(ours["volume"], reference["volume"])


def test_weekly_data_stays_weekly():
    weekly = synthetic_ohlcv(60, "1w")
    assert detect_timeframe(weekly).name == "1w"


def month_end_csv(path, months: int = 30) -> pd.DataFrame:
    """A native monthly file dated on each month's last day (2021-01-31, 2021-02-28 ...)."""
    ends = pd.date_range("2021-01-01", periods=months, freq="ME", tz="UTC")
    close = 30_000 + np.arange(months) * 100.0
    frame = pd.DataFrame(
        {
            "time": ends.strftime("%Y-%m-%d"),
            "open": close - 50,
            "high": close + 500,
            "low": close - 500,
            "close": close,
            "volume": 1.0 + np.arange(months),
        }
    )
    frame.to_csv(path, index=False)
    return frame


def test_native_month_end_bars_share_dates_with_resampled_monthly_bars(tmp_path):
    """#20: BTCUSD's own monthly file (2024-12-31) and GOOG resampled to 1M (2024-12-01) line
    up: both on the 1st of the month, 00:00 UTC, and the data says it was moved."""
    native = month_end_csv(tmp_path / "BTCUSD.csv", months=60)  # 2021-01 .. 2025-12
    synthetic_ohlcv(900, "1d").to_csv(tmp_path / "GOOG.csv", index=False)  # from 2024-01-01
    source = FileSource(tmp_path)
    btc = build_view(source.load("BTCUSD"), symbol="BTCUSD", timeframe="1M")
    goog = build_view(source.load("GOOG"), symbol="GOOG", timeframe="1M")
    btc_times, goog_times = set(btc.frame["time"]), set(goog.frame["time"])
    assert len(btc.frame) == len(native)
    assert btc.frame["close"].tolist() == native["close"].tolist()  # the same bars, re-dated
    assert all(t.day == 1 and t.hour == 0 and t.minute == 0 for t in btc_times)
    assert btc.frame["time"].iloc[0] == pd.Timestamp("2021-01-01", tz="UTC")
    shared = btc_times & goog_times
    assert len(shared) == 24  # 2024-01 .. 2025-12, the months both have
    assert any("dated the 1st of the month" in notice for notice in btc.notices)
    assert not any("dated the 1st" in notice for notice in goog.notices)


def test_daily_and_hourly_files_keep_their_times(tmp_path):
    synthetic_ohlcv(400, "1d").to_csv(tmp_path / "daily.csv", index=False)
    frame = FileSource(tmp_path).load("daily")
    assert frame["time"].iloc[1] == pd.Timestamp("2024-01-02", tz="UTC")
