"""Swing highs and lows: the bars a support/resistance level is built from.

Small pure functions on numpy arrays, vectorised so that a 1M-bar history costs milliseconds.
"""

from __future__ import annotations

import numpy as np


def window_max(values: np.ndarray, width: int) -> np.ndarray:
    """Max of each run of ``width`` values: ``out[j] = max(values[j : j + width])``.

    >>> window_max(np.array([1.0, 3.0, 2.0, 5.0, 4.0]), 2).tolist()
    [3.0, 3.0, 5.0, 5.0]
    """
    out = values[: len(values) - width + 1].copy()
    for shift in range(1, width):  # width - 1 passes of np.maximum: far faster than a strided
        np.maximum(out, values[shift : len(values) - width + 1 + shift], out=out)  # reduction
    return out


def swing_highs(high: np.ndarray, order: int) -> np.ndarray:
    """Indices of bars whose high is above the ``order`` bars before and not below the ``order``
    bars after (strict on the left, so a flat top counts once). The first and last ``order``
    bars cannot be confirmed and are never pivots.

    >>> swing_highs(np.array([1.0, 2.0, 5.0, 2.0, 1.0, 3.0, 3.0, 1.0, 0.0]), 2).tolist()
    [2, 5]
    """
    n = len(high)
    if order < 1 or n < 2 * order + 1:
        return np.empty(0, dtype=np.int64)
    side = window_max(high, order)  # side[j] = max(high[j : j + order])
    middle = high[order : n - order]
    left = side[: n - 2 * order]  # bars i-order .. i-1
    right = side[order + 1 : n - order + 1]  # bars i+1 .. i+order
    return np.flatnonzero((middle > left) & (middle >= right)) + order


def swing_lows(low: np.ndarray, order: int) -> np.ndarray:
    """Indices of swing lows, the mirror image of :func:`swing_highs`.

    >>> swing_lows(np.array([5.0, 4.0, 1.0, 4.0, 5.0]), 2).tolist()
    [2]
    """
    return swing_highs(-low, order)
