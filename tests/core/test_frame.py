"""Chart times: UNIX seconds whatever the unit pandas chose (the pandas 3 blank-chart bug)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.core import epoch_seconds, read_ohlcv_file
from app.core.frame import OHLCV_COLUMNS, canonical_frame_from_ns
from app.core.synthetic import synthetic_ohlcv

EXPECTED = np.array([1704067200, 1704070800, 1704074400])


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_epoch_seconds_whatever_the_unit(unit):
    times = pd.Series(pd.date_range("2024-01-01", periods=3, freq="1h", tz="UTC", unit=unit))
    assert epoch_seconds(times).tolist() == EXPECTED.tolist()
    assert epoch_seconds(times).dtype == np.int64
    assert epoch_seconds(pd.DatetimeIndex(times)).tolist() == EXPECTED.tolist()


def test_epoch_seconds_of_other_zones_and_naive_times():
    paris = pd.Series(pd.date_range("2024-01-01T01:00", periods=3, freq="1h", tz="Europe/Paris"))
    assert epoch_seconds(paris).tolist() == EXPECTED.tolist()
    naive = pd.Series(pd.date_range("2024-01-01", periods=3, freq="1h"))  # taken as UTC
    assert epoch_seconds(naive).tolist() == EXPECTED.tolist()


def test_pandas_3_parses_to_microseconds_which_is_why_this_exists():
    parsed = pd.Series(pd.to_datetime(["2024-01-01T00:00:00Z"]))
    assert parsed.astype("int64").iloc[0] // 10**9 != EXPECTED[0]  # the naive conversion is wrong
    assert epoch_seconds(parsed).tolist() == [EXPECTED[0]]


def test_canonical_frame_from_nanoseconds_keeps_every_time_and_value():
    times = np.array([-1, 0, 1_704_067_200_123_456_789], dtype=np.int64)  # 1969, 1970, 2024
    prices = np.array([1.5, np.nan, 3.0])
    frame = canonical_frame_from_ns(times, prices, prices + 1, prices - 1, prices, np.zeros(3))
    assert list(frame.columns) == list(OHLCV_COLUMNS)
    assert str(frame["time"].dtype) == "datetime64[ns, UTC]"
    assert isinstance(frame.index, pd.RangeIndex)
    assert frame["time"].tolist() == [
        pd.Timestamp("1969-12-31 23:59:59.999999999", tz="UTC"),
        pd.Timestamp("1970-01-01", tz="UTC"),
        pd.Timestamp("2024-01-01 00:00:00.123456789", tz="UTC"),
    ]
    assert frame["high"].dtype == np.float64
    assert frame["high"].isna().tolist() == [False, True, False]  # NaN stays a float NaN
    assert frame["high"].iloc[2] == 4.0


def test_canonical_frames_are_read_only_and_a_copy_is_editable(tmp_path):
    """Loaded frames are shared through the caches: an in-place edit must not reach them."""
    path = tmp_path / "bars.csv"
    synthetic_ohlcv(5, "1h").to_csv(path, index=False)
    frame = read_ohlcv_file(path)
    with pytest.raises(ValueError, match="read-only"):
        frame.loc[0, "close"] = 0.0
    edited = frame.copy()
    edited.loc[0, "close"] = 0.0
    assert edited["close"].iloc[0] == 0.0 and frame["close"].iloc[0] != 0.0
