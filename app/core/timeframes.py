"""Timeframes: names, aliases, detecting a dataset's native one, and resampling to a coarser one."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from app.core.errors import TimeframeError, shorten
from app.core.frame import canonical_frame_from_ns, epoch_nanoseconds


@dataclass(frozen=True)
class Timeframe:
    name: str  # canonical name: 1m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M
    seconds: int  # a month's is nominal (30 days): for ordering, steps and spacing, not bins
    pandas_rule: str  # rule for DataFrame.resample, UTC-aligned (weeks start Monday)


_MINUTE, _HOUR, _DAY = 60, 3600, 86400

TIMEFRAMES: dict[str, Timeframe] = {  # canonical name -> Timeframe, finest first
    tf.name: tf
    for tf in (
        Timeframe("1m", _MINUTE, "1min"),
        Timeframe("5m", 5 * _MINUTE, "5min"),
        Timeframe("15m", 15 * _MINUTE, "15min"),
        Timeframe("30m", 30 * _MINUTE, "30min"),
        Timeframe("1h", _HOUR, "1h"),
        Timeframe("2h", 2 * _HOUR, "2h"),
        Timeframe("4h", 4 * _HOUR, "4h"),
        Timeframe("6h", 6 * _HOUR, "6h"),
        Timeframe("8h", 8 * _HOUR, "8h"),
        Timeframe("12h", 12 * _HOUR, "12h"),
        Timeframe("1d", _DAY, "1D"),
        Timeframe("3d", 3 * _DAY, "72h"),  # bins from 1970-01-01 00:00 UTC (pandas: origin="epoch")
        Timeframe("1w", 7 * _DAY, "W-MON"),  # with closed="left", label="left": Monday 00:00 UTC
        Timeframe("1M", 30 * _DAY, "MS"),  # calendar months, labelled the 1st 00:00 UTC
    )
}
MONTH = TIMEFRAMES["1M"]
# The shortest month: a median gap at least this long is monthly data (28-31 days apart).
_MONTH_MIN_SECONDS = 28 * _DAY

_ALIASES: dict[str, str] = {
    **{name: name for name in TIMEFRAMES},
    "m1": "1m",
    "m5": "5m",
    "m15": "15m",
    "m30": "30m",
    "h1": "1h",
    "h2": "2h",
    "h4": "4h",
    "h6": "6h",
    "h8": "8h",
    "h12": "12h",
    "d": "1d",
    "d1": "1d",
    "d3": "3d",
    "w": "1w",
    "w1": "1w",
    "1min": "1m",
    "5min": "5m",
    "15min": "15m",
    "30min": "30m",
    "60m": "1h",
    "60min": "1h",
    "120m": "2h",
    "240m": "4h",
    "360m": "6h",
    "480m": "8h",
    "720m": "12h",
    "1day": "1d",
    "3day": "3d",
    "72h": "3d",
    "24h": "1d",
    "1week": "1w",
    "7d": "1w",
    "1mo": "1M",
    "1mon": "1M",
    "1month": "1M",
    "mn": "1M",
    "mn1": "1M",  # MT4's monthly
    # The words of the analysis service /api/v1/analyze replaces (minute1 ... month1).
    "minute1": "1m",
    "minute5": "5m",
    "minute15": "15m",
    "minute30": "30m",
    "hour1": "1h",
    "hour2": "2h",
    "hour4": "4h",
    "hour6": "6h",
    "hour8": "8h",
    "hour12": "12h",
    "day1": "1d",
    "day3": "3d",
    "week1": "1w",
    "month1": "1M",
}

_MONTHS = re.compile(r"([0-9]+)M")  # case-sensitive: M1 / M15 (MT4 minutes) stay aliases

# 1970-01-01 was a Thursday: shifting by 3 days puts week bins on Monday 00:00 UTC.
_WEEK_SHIFT_NS = 3 * _DAY * 10**9


def allowed_timeframes() -> str:
    return ", ".join(TIMEFRAMES)


def parse_timeframe(value: str | Timeframe) -> Timeframe:
    """``'1h'``, ``'H1'``, ``'60m'``… -> Timeframe; TimeframeError listing the allowed names."""
    if isinstance(value, Timeframe):
        return value
    text = str(value).strip()
    months = _MONTHS.fullmatch(text)  # TradingView's 1M is a month; lower-cased it is a minute
    if months:
        if months.group(1) == "1":
            return MONTH
        count = shorten(months.group(1), 12)
        raise TimeframeError(
            f"Timeframe {shorten(text)!r} means {count} months (capital M, as in TradingView); "
            f"only 1M is offered. For minutes use a lower-case m ({count}m). "
            f"Allowed: {allowed_timeframes()}."
        )
    key = text.lower()
    name = _ALIASES.get(key)
    if name is None:
        raise TimeframeError(
            f"Unknown timeframe {shorten(value)!r}. Allowed: {allowed_timeframes()} "
            "(1M is a month, 1m a minute; aliases M1 M5 M15 M30 H1 H4 H8 D D1 W W1 1mo MN1, "
            "minute1 hour4 day1 week1 month1)."
        )
    return TIMEFRAMES[name]


def median_spacing_seconds(frame: pd.DataFrame) -> float:
    """The median gap between consecutive bars, in seconds (0 for fewer than two bars)."""
    if len(frame) < 2:
        return 0.0
    ns = epoch_nanoseconds(frame["time"])
    return float(np.median(np.diff(ns))) / 1e9


def detect_timeframe(frame: pd.DataFrame) -> Timeframe:
    """The native timeframe of a canonical frame (the typical spacing of its bars).

    The coarsest timeframe not longer than the median gap, so daily bars with weekend gaps are
    ``1d`` and 3-hour bars are ``2h`` (each shown as they are); bars 28 days or more apart are
    months (``1M``). Data finer than a minute is ``1m`` and gets aggregated to it. A single bar
    counts as ``1d``.
    """
    return timeframe_for_spacing(median_spacing_seconds(frame))


def timeframe_for_spacing(spacing: float) -> Timeframe:
    """See :func:`detect_timeframe`; ``spacing`` is the median gap in seconds."""
    if spacing <= 0:
        return TIMEFRAMES["1d"]
    if spacing >= _MONTH_MIN_SECONDS * 0.999:
        return MONTH
    native = TIMEFRAMES["1m"]
    for tf in TIMEFRAMES.values():
        if tf.seconds <= spacing * 1.001 and tf is not MONTH:
            native = tf
    return native


def timeframes_not_finer_than(native: str | Timeframe | None) -> list[str]:
    """The timeframes a dataset with ``native`` bars can be shown at (its own and every coarser
    one, finest first); all of them when the native timeframe is unknown (``None``).

    Finer ones cannot be made from the data. TimeframeError for a name that is not a timeframe.
    """
    if native is None:
        return list(TIMEFRAMES)
    floor = parse_timeframe(native).seconds
    return [name for name, tf in TIMEFRAMES.items() if tf.seconds >= floor]


def check_not_finer(timeframe: Timeframe, native: Timeframe) -> None:
    if timeframe.seconds < native.seconds:
        raise TimeframeError(
            f"Timeframe {timeframe.name} is finer than this data's native {native.name} bars; "
            f"choose one of: {', '.join(timeframes_not_finer_than(native))}."
        )


def bin_starts_ns(nanoseconds: np.ndarray, timeframe: Timeframe) -> np.ndarray:
    """The UTC-aligned start (ns) of the bin each time falls in (weeks start Monday 00:00,
    months on the 1st 00:00)."""
    if timeframe is MONTH:
        months = nanoseconds.astype("datetime64[ns]").astype("datetime64[M]")
        return months.astype("datetime64[ns]").astype(np.int64)
    width = timeframe.seconds * 10**9
    if timeframe.name == "1w":
        return (nanoseconds + _WEEK_SHIFT_NS) // width * width - _WEEK_SHIFT_NS
    return nanoseconds // width * width


def resample_ohlcv(
    frame: pd.DataFrame, timeframe: Timeframe, *, native: Timeframe | None = None
) -> pd.DataFrame:
    """Aggregate a canonical frame to a coarser timeframe (TimeframeError if finer than native).

    Open first, high max, low min, close last, volume sum; bins aligned to UTC boundaries and
    labelled by their start; empty bins dropped; partial first/last bins kept. Because the frame is
    sorted, each bin is a contiguous run, so this is a handful of numpy ``reduceat`` calls rather
    than a groupby.
    """
    timeframe = parse_timeframe(timeframe)
    check_not_finer(timeframe, native or detect_timeframe(frame))
    if frame.empty:
        return frame[list(frame.columns[:6])].copy()
    bins = bin_starts_ns(epoch_nanoseconds(frame["time"]), timeframe)
    starts = np.flatnonzero(np.diff(bins, prepend=bins[0] - 1))
    ends = np.append(starts[1:], len(bins)) - 1
    open_ = frame["open"].to_numpy()
    close = frame["close"].to_numpy()
    return canonical_frame_from_ns(
        bins[starts],
        open_[starts],
        np.maximum.reduceat(frame["high"].to_numpy(), starts),
        np.minimum.reduceat(frame["low"].to_numpy(), starts),
        close[ends],
        np.add.reduceat(frame["volume"].to_numpy(), starts),
    )


def coarsest_needed(native: Timeframe, span_seconds: float, max_bars: int) -> Timeframe:
    """The finest timeframe, not finer than ``native``, that shows ``span_seconds`` in at most
    ``max_bars`` bars (the coarsest, 1M, when nothing fits)."""
    for tf in TIMEFRAMES.values():
        if tf.seconds < native.seconds:
            continue
        if span_seconds / tf.seconds <= max_bars:
            return tf
    return MONTH
