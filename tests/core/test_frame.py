"""Chart times: UNIX seconds whatever the unit pandas chose (the pandas 3 blank-chart bug)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.core import epoch_seconds

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
