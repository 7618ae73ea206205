"""Timeframes: names, aliases, detecting a dataset's native one, and resampling to a coarser one."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Timeframe:
    name: str  # canonical name: 1m 5m 15m 30m 1h 4h 1d 1w
    seconds: int
    pandas_rule: str  # rule for DataFrame.resample, UTC-aligned (weeks start Monday)


TIMEFRAMES: dict[str, Timeframe] = {}  # canonical name -> Timeframe, finest first


def parse_timeframe(value: str) -> Timeframe:
    """``'1h'``, ``'H1'``, ``'60m'``… -> Timeframe; TimeframeError listing the allowed names."""
    raise NotImplementedError


def detect_timeframe(frame: pd.DataFrame) -> Timeframe:
    """The native timeframe of a canonical frame (the typical spacing of its bars)."""
    raise NotImplementedError


def resample_ohlcv(frame: pd.DataFrame, timeframe: Timeframe) -> pd.DataFrame:
    """Aggregate a canonical frame to a coarser timeframe (TimeframeError if finer than native)."""
    raise NotImplementedError


def coarsest_needed(native: Timeframe, span_seconds: float, max_bars: int) -> Timeframe:
    """The finest timeframe, not finer than ``native``, that shows ``span_seconds`` in at most
    ``max_bars`` bars (the coarsest, 1w, when nothing fits)."""
    raise NotImplementedError
