"""Streamlit's Lightweight engine: the price scale leaves room for the volume without reaching
under zero (#20: GOOG 1M showed 0, -100, -200 under its candles)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.streamlit_app.lightweight_chart import (
    PRICE_MARGIN_BOTTOM,
    PRICE_MARGIN_TOP,
    price_margin_bottom,
)


def bars(low: float, high: float) -> pd.DataFrame:
    prices = np.linspace(low, high, 120)
    return pd.DataFrame({"low": prices, "high": prices * 1.01})


def bottom_edge_price(frame: pd.DataFrame) -> float:
    """The price Lightweight Charts writes at the bottom of the scale for these margins."""
    low, high = frame["low"].min(), frame["high"].max()
    bottom = price_margin_bottom(frame)
    return low - bottom / (1 - PRICE_MARGIN_TOP - bottom) * (high - low)


@pytest.mark.parametrize(("low", "high"), [(50, 1000), (5, 100_000), (0.9, 1.3), (500, 700)])
def test_the_scale_never_reaches_under_zero(low, high):
    assert bottom_edge_price(bars(low, high)) >= -1e-9


def test_narrow_ranges_keep_the_room_for_the_volume():
    assert price_margin_bottom(bars(1.0, 1.1)) == PRICE_MARGIN_BOTTOM
    spread = pd.DataFrame({"low": [-5.0, 2.0], "high": [3.0, 4.0]})  # may go negative: as is
    assert price_margin_bottom(spread) == PRICE_MARGIN_BOTTOM
