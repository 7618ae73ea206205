"""Small, deterministic OHLCV data for the dashboard tests."""

from __future__ import annotations

import numpy as np
import pandas as pd


def ohlcv_frame(rows: int, *, freq: str = "1h", start: str = "2024-01-01", seed: int = 7):
    """A random walk with consistent OHLC (low <= open, close <= high), times in UTC."""
    rng = np.random.default_rng(seed)
    close = 100 + np.cumsum(rng.normal(0, 1, rows))
    open_ = np.concatenate([[100.0], close[:-1]])
    spread = rng.uniform(0.1, 1.0, rows)
    return pd.DataFrame(
        {
            "time": pd.date_range(start, periods=rows, freq=freq, tz="UTC"),
            "open": open_.round(4),
            "high": (np.maximum(open_, close) + spread).round(4),
            "low": (np.minimum(open_, close) - spread).round(4),
            "close": close.round(4),
            "volume": rng.integers(100, 10_000, rows).astype(float),
        }
    )


def ohlcv_csv(rows: int, **kwargs) -> bytes:
    frame = ohlcv_frame(rows, **kwargs)
    frame["time"] = frame["time"].dt.strftime("%Y-%m-%d %H:%M:%S")
    return frame.to_csv(index=False).encode()
