"""The summaries' change figure: sign of the move, whatever the sign of the prices."""

from __future__ import annotations

import pandas as pd
import pytest

from app.charts.price_change import last_change


@pytest.mark.parametrize(
    ("closes", "absolute", "percent"),
    [
        ([100.0, 110.0], 10.0, 10.0),
        ([100.0, 90.0], -10.0, -10.0),
        ([-10.0, -5.0], 5.0, 50.0),  # a rise towards zero is a rise
        ([-10.0, -15.0], -5.0, -50.0),
        ([0.0, 3.0], 3.0, None),  # no percentage of nothing
    ],
)
def test_change_has_the_sign_of_the_move(closes, absolute, percent):
    change = last_change(pd.Series(closes))
    assert change.absolute == pytest.approx(absolute)
    assert change.percent == (None if percent is None else pytest.approx(percent))


def test_one_close_has_no_change():
    assert last_change(pd.Series([5.0])) is None
