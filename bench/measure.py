"""Interleaved timing: ours and the floor alternate, so noise from a shared machine hits both."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

Sampler = Callable[[], float]  # one measurement, in seconds (or any unit, as long as both agree)


@dataclass(frozen=True)
class Samples:
    ours: list[float]
    floor: list[float]

    @property
    def ours_median(self) -> float:
        return statistics.median(self.ours)

    @property
    def floor_median(self) -> float:
        return statistics.median(self.floor)


def timed(action: Callable[[], object]) -> Sampler:
    """A sampler that returns the wall time of one call of ``action``."""

    def sample() -> float:
        gc.collect()
        start = time.perf_counter()
        action()
        return time.perf_counter() - start

    return sample


def interleave(ours: Sampler, floor: Sampler, *, repeats: int, warmup: int = 1) -> Samples:
    """Warm both up, then take ``repeats`` samples of each, alternating which goes first."""
    for _ in range(warmup):
        ours()
        floor()
    ours_samples: list[float] = []
    floor_samples: list[float] = []
    for round_number in range(repeats):
        order = [(ours, ours_samples), (floor, floor_samples)]
        if round_number % 2:
            order.reverse()
        for sampler, sink in order:
            sink.append(sampler())
    return Samples(ours_samples, floor_samples)
