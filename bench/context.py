"""What one benchmark run shares: its sizes, its generated data, and servers started on demand."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.datasets import BenchData


@dataclass(frozen=True)
class Sizes:
    big_rows: int  # rows of the large 1m dataset (the 1,000,000)
    api_large_bars: int  # bars in the "large" /api/ohlcv request (the 100,000)
    api_small_bars: int  # bars in the "small" request (500)
    core_repeats: int
    latency_requests: int  # sequential requests per server for the latency cases
    large_repeats: int  # samples of the large /api/ohlcv request
    load_seconds: float  # one load-generator run
    load_rounds: int  # alternating rounds of ours / hello-world
    browser_repeats: int


FULL = Sizes(1_000_000, 100_000, 500, 7, 200, 9, 10.0, 2, 5)
QUICK = Sizes(100_000, 10_000, 500, 3, 30, 3, 2.0, 1, 2)
EMA_PERIODS = (10, 21, 50, 150)


@dataclass
class BenchContext:
    sizes: Sizes
    data_root: Path
    stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    _data: BenchData | None = None
    _shared: dict[str, Any] = field(default_factory=dict)

    @property
    def data(self) -> BenchData:
        if self._data is None:
            self._data = BenchData(self.data_root, self.sizes.big_rows).ensure()
        return self._data

    def shared(self, key: str, factory):
        """One object per run (a server, a browser, a loaded frame), made on first use and closed
        with the run when ``factory`` returns a context manager."""
        if key not in self._shared:
            made = factory()
            if hasattr(made, "__enter__"):
                made = self.stack.enter_context(made)
            self._shared[key] = made
        return self._shared[key]

    def close(self) -> None:
        self.stack.close()
