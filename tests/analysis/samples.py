"""Made-up frames with a known answer: a range between 100 and 110, volume with planted spikes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.core.frame import canonical_frame_from_ns

HOUR_NS = 3600 * 1_000_000_000
START_NS = pd.Timestamp("2024-01-01", tz="UTC").value


def frame_from_close(close: np.ndarray, volume: np.ndarray, spread: float) -> pd.DataFrame:
    times = START_NS + np.arange(len(close), dtype=np.int64) * HOUR_NS
    open_ = np.r_[close[0], close[:-1]]
    high = np.maximum(open_, close) + spread
    low = np.minimum(open_, close) - spread
    return canonical_frame_from_ns(times, open_, high, low, close, volume)


def range_bound(bars: int = 600, seed: int = 3) -> pd.DataFrame:
    """Price swinging between 100 and 110 (bar highs reach 110, lows reach 100) with noise, a
    new swing every 30-50 bars, so the only real levels are 100 and 110."""
    rng = np.random.default_rng(seed)
    close = np.empty(0)
    going_up = True
    while len(close) < bars:
        length = int(rng.integers(30, 50))
        leg = np.linspace(100.3, 109.7, length)
        close = np.r_[close, leg if going_up else leg[::-1]]
        going_up = not going_up
    close = close[:bars] + rng.normal(0, 0.05, bars)
    close = np.clip(close, 100.3, 109.7)
    volume = rng.uniform(900, 1100, bars)
    return frame_from_close(close, volume, spread=0.3)


def with_volume(volume: np.ndarray, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    close = 100 + np.cumsum(rng.normal(0, 0.5, len(volume)))
    return frame_from_close(close, volume, spread=0.2)


def spiky_volume(bars: int = 3000, seed: int = 11) -> np.ndarray:
    """Log-normal volume with some bars multiplied up: a few break the rule, some nearly do."""
    rng = np.random.default_rng(seed)
    volume = rng.lognormal(7, 0.4, bars)
    picked = rng.choice(bars, size=bars // 30, replace=False)
    volume[picked] *= rng.uniform(1.5, 8.0, len(picked))
    return volume
