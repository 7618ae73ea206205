"""Volume spikes, the seed service's rule exactly.

A bar is a spike when its volume is above ``mean + sigma * std`` of the ``window`` volumes before
it (the bar itself excluded), ``std`` being pandas' rolling default: the sample standard
deviation (ddof=1). The first ``window`` bars have no full window and are never spikes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from app.core.frame import epoch_seconds

DEFAULT_WINDOW = 25
DEFAULT_SIGMA = 4.0


@dataclass(frozen=True)
class Spike:
    time: int  # UNIX seconds
    volume: float
    mean: float  # of the previous ``window`` volumes
    std: float  # their sample standard deviation
    zscore: float | None  # (volume - mean) / std; None when std is 0 (all equal)
    confidence: float  # 0..1, from the z-score: 0.5 at the threshold, 1 for std 0

    def as_json(self) -> dict:
        return asdict(self)


def previous_window_stats(volume: pd.Series, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sample std of the ``window`` values before each one (NaN for the first ones).

    >>> mean, std = previous_window_stats(pd.Series([1.0, 2.0, 3.0, 10.0]), 3)
    >>> mean.tolist()[3], std.tolist()[3]
    (2.0, 1.0)
    """
    rolling = volume.rolling(window)
    mean = rolling.mean().shift(1).to_numpy(dtype=np.float64)
    std = rolling.std().shift(1).to_numpy(dtype=np.float64)
    return mean, std


def spike_confidence(zscore: np.ndarray, sigma: float) -> np.ndarray:
    """``1 - 0.5 ** (z / sigma)``: 0.5 at the threshold, 0.75 at twice it, 1 for an infinite z.

    >>> spike_confidence(np.array([4.0, 8.0, np.inf]), 4.0).tolist()
    [0.5, 0.75, 1.0]
    """
    return 1.0 - np.power(0.5, zscore / sigma)


def find_volume_spikes(
    frame: pd.DataFrame, window: int = DEFAULT_WINDOW, sigma: float = DEFAULT_SIGMA
) -> list[Spike]:
    """Every bar of ``frame`` whose volume breaks the rule, oldest first."""
    if window < 2:
        raise ValueError("window must be at least 2 (a sample std needs two values)")
    volume = frame["volume"]
    values = volume.to_numpy(dtype=np.float64)
    mean, std = previous_window_stats(volume.astype(np.float64), window)
    with np.errstate(invalid="ignore"):
        hits = np.flatnonzero(values > mean + sigma * std)  # NaN compares False
    if len(hits) == 0:
        return []
    times = epoch_seconds(frame["time"].iloc[hits])
    mean, std, values = mean[hits], std[hits], values[hits]
    with np.errstate(divide="ignore", invalid="ignore"):
        zscore = np.where(std > 0, (values - mean) / np.where(std > 0, std, 1.0), np.inf)
    confidence = np.round(spike_confidence(zscore, sigma), 3).tolist()
    finite = np.isfinite(zscore)
    shown_z = [
        z if ok else None
        for z, ok in zip(np.round(zscore, 3).tolist(), finite.tolist(), strict=True)
    ]
    return [  # from Python lists: numpy scalars would cost a conversion each
        Spike(*row)
        for row in zip(
            times.tolist(),
            values.tolist(),
            mean.tolist(),
            std.tolist(),
            shown_z,
            confidence,
            strict=True,
        )
    ]
