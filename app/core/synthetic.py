"""Deterministic synthetic OHLCV bars that look like a market: trends, volatility clusters, and
volume that follows volatility. Used for the sample data, tests and benchmarks.

Vectorised numpy only (no per-bar Python loop), so a million one-minute bars take well under a
second or two.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.core.frame import canonical_frame_from_ns
from app.core.timeframes import parse_timeframe

_DAY = 86400


def _smooth_noise(rng: np.random.Generator, count: int, window: int) -> np.ndarray:
    """White noise averaged over ``window`` bars (cumsum trick), rescaled to unit variance."""
    noise = rng.standard_normal(count + window)
    summed = np.cumsum(noise)
    averaged = (summed[window:] - summed[:-window]) / np.sqrt(window)
    return averaged[:count]


def synthetic_ohlcv(
    bars: int, timeframe: str = "1h", seed: int = 7, start: str = "2024-01-01"
) -> pd.DataFrame:
    """A canonical frame of ``bars`` consecutive bars from ``start`` (UTC), the same for the same
    arguments."""
    if bars <= 0:
        raise ValueError("bars must be positive")
    tf = parse_timeframe(timeframe)
    rng = np.random.default_rng(seed)
    step = tf.seconds
    bar_sigma = 0.025 * np.sqrt(step / _DAY)  # ~2.5% daily volatility, scaled to the bar

    # Volatility clusters: log-volatility is a slow and a fast smoothed noise.
    slow = _smooth_noise(rng, bars, max(2, min(bars, 400)))
    fast = _smooth_noise(rng, bars, max(2, min(bars, 30)))
    # Intraday seasonality for sub-daily bars: busier around 14:00-16:00 UTC.
    hours = (np.arange(bars) * step / 3600.0) % 24
    season = 0.25 * np.cos((hours - 15.0) / 24.0 * 2 * np.pi) if step < _DAY else 0.0
    sigma = bar_sigma * np.exp(0.45 * slow + 0.2 * fast + season)

    # Trends: regimes of random length, each with its own drift.
    regime = np.cumsum(rng.random(bars) < 1.0 / 250.0)
    drift = rng.normal(0.0, 0.12 * bar_sigma, regime[-1] + 1)[regime]
    shocks = rng.standard_t(4, bars) / np.sqrt(2.0)  # fat tails, unit variance
    returns = drift + sigma * shocks

    start_price = 100.0
    close = start_price * np.exp(np.cumsum(returns))
    gaps = np.exp(rng.normal(0.0, 0.05, bars) * sigma)
    open_ = np.empty(bars)
    open_[0] = start_price
    open_[1:] = close[:-1] * gaps[1:]
    wick_up = np.exp(np.abs(rng.normal(0.0, 0.6, bars)) * sigma)
    wick_down = np.exp(-np.abs(rng.normal(0.0, 0.6, bars)) * sigma)
    high = np.maximum(open_, close) * wick_up
    low = np.minimum(open_, close) * wick_down

    # Volume follows volatility and the size of the move, with lognormal noise.
    move = np.abs(returns) / sigma
    volume = (
        1000.0
        * (step / 60.0) ** 0.8
        * (sigma / bar_sigma) ** 1.5
        * (0.6 + 0.4 * move)
        * np.exp(rng.normal(0.0, 0.35, bars))
    )

    start_ns = pd.Timestamp(start, tz="UTC").as_unit("ns").value
    times_ns = start_ns + np.arange(bars, dtype=np.int64) * (step * 10**9)
    if tf.name == "1M":  # calendar months, each bar on the 1st
        first = np.datetime64(pd.Timestamp(start, tz="UTC").tz_localize(None), "M")
        months = first + np.arange(bars)
        times_ns = months.astype("datetime64[ns]").astype(np.int64)
    # Rounding is monotone, so high >= max(open, close) and low <= min(open, close) still hold.
    return canonical_frame_from_ns(
        times_ns,
        np.round(open_, 2),
        np.round(high, 2),
        np.round(low, 2),
        np.round(close, 2),
        np.round(volume, 0),
    )
