"""Volume spikes: exactly the bars the seed service's rule picks, no more, no fewer."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
import pytest

from app.core.analysis import find_volume_spikes
from app.core.analysis.analyse import recent_spikes
from app.core.frame import epoch_seconds
from tests.analysis.samples import spiky_volume, with_volume


def rule_by_hand(volume: np.ndarray, window: int, sigma: float) -> list[int]:
    """The rule written out with the standard library: previous ``window`` volumes, bar
    excluded, sample standard deviation."""
    hits = []
    for i in range(window, len(volume)):
        previous = [float(v) for v in volume[i - window : i]]
        mean, std = statistics.fmean(previous), statistics.stdev(previous)
        if volume[i] > mean + sigma * std:
            hits.append(i)
    return hits


def rule_with_pandas(volume: np.ndarray, window: int, sigma: float) -> list[int]:
    series = pd.Series(volume)
    mean = series.rolling(window).mean().shift(1)
    std = series.rolling(window).std().shift(1)
    return np.flatnonzero((series > mean + sigma * std).to_numpy()).tolist()


def close_calls(volume: np.ndarray, window: int, sigma: float) -> set[int]:
    """Bars within rounding of the threshold, where two correct sums may disagree."""
    series = pd.Series(volume)
    threshold = series.rolling(window).mean().shift(1) + sigma * series.rolling(window).std().shift(
        1
    )
    near = (series - threshold).abs() <= 1e-9 * threshold.abs()
    return set(np.flatnonzero(near.to_numpy()).tolist())


@pytest.mark.parametrize(("window", "sigma"), [(25, 4.0), (10, 2.0), (50, 3.0), (5, 1.0)])
def test_every_spike_satisfies_the_rule_and_every_bar_that_does_is_reported(
    window: int, sigma: float
) -> None:
    volume = spiky_volume()
    frame = with_volume(volume)
    times = epoch_seconds(frame["time"])
    found = find_volume_spikes(frame, window, sigma)
    found_rows = [int(np.searchsorted(times, spike.time)) for spike in found]
    by_hand = rule_by_hand(volume, window, sigma)
    reference = rule_with_pandas(volume, window, sigma)
    assert len(by_hand) > 10  # the sample does have spikes
    fuzzy = close_calls(volume, window, sigma)
    assert set(found_rows) ^ set(reference) <= fuzzy
    assert set(found_rows) ^ set(by_hand) <= fuzzy
    for row, spike in zip(found_rows, found, strict=True):
        previous = volume[row - window : row]
        assert spike.volume == volume[row]
        assert math.isclose(spike.mean, previous.mean(), rel_tol=1e-9)
        assert math.isclose(spike.std, previous.std(ddof=1), rel_tol=1e-9)
        assert math.isclose(spike.zscore, (spike.volume - spike.mean) / spike.std, rel_tol=1e-3)
        assert spike.zscore > sigma and 0.5 <= spike.confidence <= 1


def test_the_bar_itself_is_excluded_from_its_window() -> None:
    """The mean and std are those of the 25 bars before the spike (13 of 101, 12 of 100), not of
    a window holding the spike (mean 136.5)."""
    volume = np.r_[np.tile([100.0, 101.0], 20), 1000.0, np.tile([100.0, 101.0], 5)]
    spikes = find_volume_spikes(with_volume(volume), 25, 4.0)
    assert [s.volume for s in spikes] == [1000.0]
    assert spikes[0].mean == pytest.approx(100.52, abs=1e-9)
    assert spikes[0].std == pytest.approx(np.std([100.0] * 12 + [101.0] * 13, ddof=1))


def test_the_first_window_bars_are_never_spikes_but_earlier_bars_can_judge_them() -> None:
    volume = np.r_[np.full(30, 100.0) + np.arange(30) % 2, 5000.0, np.full(10, 100.0)]
    frame = with_volume(volume)
    # Alone, the window starting at the spike has no history: nothing found.
    assert find_volume_spikes(frame.iloc[30:], 25, 4.0) == []
    # With the bars before, the analysed window [30:] finds it.
    spikes = recent_spikes(frame, 30, 25, 4.0)
    assert [s.volume for s in spikes] == [5000.0]


def test_a_flat_window_gives_a_spike_with_no_zscore_and_full_confidence() -> None:
    volume = np.r_[np.full(25, 10.0), 11.0]
    (spike,) = find_volume_spikes(with_volume(volume), 25, 4.0)
    assert spike.std == 0 and spike.zscore is None and spike.confidence == 1.0


def test_constant_volume_has_no_spikes() -> None:
    assert find_volume_spikes(with_volume(np.full(200, 7.0))) == []
