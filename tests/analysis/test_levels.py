"""Support and resistance found where price really turned, once each."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.analysis import find_levels
from app.core.frame import epoch_seconds
from app.core.synthetic import synthetic_ohlcv
from tests.analysis.samples import range_bound


def test_a_range_between_100_and_110_gives_levels_at_100_and_110() -> None:
    frame = range_bound()
    levels = find_levels(frame)
    prices = [level.price for level in levels]
    assert any(abs(p - 100) / 100 <= 0.01 for p in prices), prices
    assert any(abs(p - 110) / 110 <= 0.01 for p in prices), prices
    # The two strongest are the range's edges, the floor a support and the ceiling a resistance.
    top_two = sorted(levels[:2], key=lambda level: level.price)
    assert abs(top_two[0].price - 100) <= 1 and top_two[0].kind == "support"
    assert abs(top_two[1].price - 110) <= 1.1 and top_two[1].kind == "resistance"
    assert top_two[0].touches >= 5 and top_two[1].touches >= 5


def test_levels_follow_the_contract() -> None:
    frame = synthetic_ohlcv(3000)
    levels = find_levels(frame, levels=6)
    assert 1 <= len(levels) <= 6
    times = set(epoch_seconds(frame["time"]).tolist())
    last_close = float(frame["close"].iloc[-1])
    strengths = [level.strength for level in levels]
    assert strengths == sorted(strengths, reverse=True)
    for level in levels:
        assert level.touches >= 2
        assert 0 <= level.strength <= 1
        assert level.first_time in times and level.last_time in times
        assert level.first_time <= level.last_time
        assert level.kind == ("support" if level.price < last_close else "resistance")
        assert float(frame["low"].min()) <= level.price <= float(frame["high"].max())


def test_no_level_is_reported_twice() -> None:
    """Levels are at least one tolerance apart: two bands of the same price merge into one."""
    frame = range_bound(2000)
    levels = find_levels(frame, levels=20)
    prices = sorted(level.price for level in levels)
    gaps = np.diff(prices)
    assert (gaps > 0.3).all(), prices  # the tolerance is 0.75 ATR, ATR here is about 0.8


@pytest.mark.parametrize("bars", [0, 1, 5])
def test_too_few_bars_give_no_levels(bars: int) -> None:
    frame = synthetic_ohlcv(20).iloc[:bars]
    assert find_levels(frame) == []


def test_levels_cap() -> None:
    frame = synthetic_ohlcv(5000)
    assert len(find_levels(frame, levels=3)) == 3
    assert find_levels(frame, levels=0) == []


def test_a_flat_market_is_neither_oversold_nor_levelled() -> None:
    """Regression: TA-Lib's RSI is 0 when nothing moves, which read as "oversold"."""
    from app.core.analysis import compute_signals
    from tests.analysis.samples import frame_from_close

    frame = frame_from_close(np.full(400, 5.0), np.full(400, 3.0), spread=0.0)
    signals = {s.name: s for s in compute_signals(frame, find_levels(frame))}
    assert signals["rsi"].state == "neutral"
    assert signals["level"].state == "none"
