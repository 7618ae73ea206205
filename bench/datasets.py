"""Deterministic benchmark inputs, generated once into ``bench/.data/`` and reused.

Every file is written to a temporary name and renamed, so an interrupted run never leaves a half
file that a later run would trust.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / ".data"
SEED = 7
START = "2024-01-01"
SMALL_BARS = 5_000  # the chart-page symbol, 1h bars
SMALL_TIMEFRAME = "1h"
BIG_TIMEFRAME = "1m"


@dataclass(frozen=True)
class BenchData:
    """Where the generated inputs live, for ``big_rows`` one-minute bars."""

    root: Path
    big_rows: int

    @property
    def symbols_dir(self) -> Path:
        """The DATA_DIR the servers are pointed at: one small and one big symbol, Parquet."""
        return self.root / f"symbols-{self.big_rows}"

    @property
    def small_symbol(self) -> str:
        return f"bench_{SMALL_BARS // 1000}k_{SMALL_TIMEFRAME}"

    @property
    def big_symbol(self) -> str:
        return f"bench_{self.big_rows // 1000}k_{BIG_TIMEFRAME}"

    @property
    def big_parquet(self) -> Path:
        return self.symbols_dir / f"{self.big_symbol}.parquet"

    @property
    def small_parquet(self) -> Path:
        return self.symbols_dir / f"{self.small_symbol}.parquet"

    @property
    def big_csv(self) -> Path:
        """Same bars as ``big_parquet``, outside the symbols folder so it is not a second symbol."""
        return self.root / f"{self.big_symbol}.csv"

    def ensure(self) -> BenchData:
        """Generate whatever file is missing; return self."""
        from app.core.synthetic import synthetic_ohlcv

        self.symbols_dir.mkdir(parents=True, exist_ok=True)
        if not self.small_parquet.exists():
            small = synthetic_ohlcv(SMALL_BARS, timeframe=SMALL_TIMEFRAME, seed=SEED, start=START)
            _write_atomically(self.small_parquet, lambda tmp: small.to_parquet(tmp, index=False))
        if not (self.big_parquet.exists() and self.big_csv.exists()):
            big = synthetic_ohlcv(self.big_rows, timeframe=BIG_TIMEFRAME, seed=SEED, start=START)
            if not self.big_parquet.exists():
                _write_atomically(self.big_parquet, lambda tmp: big.to_parquet(tmp, index=False))
            if not self.big_csv.exists():
                _write_atomically(self.big_csv, lambda tmp: _write_csv(big, tmp))
        return self


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """A plain CSV as a user would have it: ISO-8601 UTC times, one header line."""
    frame.to_csv(path, index=False, date_format="%Y-%m-%dT%H:%M:%SZ")


def _write_atomically(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
