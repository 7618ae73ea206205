"""The Plotly engine's time axis: bars side by side, as TradingView draws them.

A date axis leaves every weekend and night as an empty stretch (a quarter of an hourly FX
chart) and draws lines across it as flat steps. So each bar sits at its own position: its index
in the timeframe's whole history (``view.first_index + row``), the same in every window of it,
so a paged or live-extended figure keeps its x. The axis is labelled with dates at calendar
boundaries picked by the span shown (hours, days, weeks, months, years: a few per axis), and
the hover shows each bar's date (the candles' ``customdata``).

Rangebreaks were the other way: exact only with one break per gap (hundreds on an hourly stock,
and plotly.js slows with each), and a live bar after a break would need a new one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from app.core import OhlcvView, Timeframe
from app.core.bar_dates import DATE_FORMAT, INTRADAY_FORMAT, bar_time_format

MAX_TICKS = 8
MIN_TICKS = 3

# (unit name, key of each bar's period, label format) from the finest unit to the coarsest.
_Key = Callable[[np.ndarray], np.ndarray]


def _hours(step: int) -> _Key:
    return lambda t: t.astype("datetime64[h]").astype(np.int64) // step


def _days(t: np.ndarray) -> np.ndarray:
    return t.astype("datetime64[D]").astype(np.int64)


def _weeks(t: np.ndarray) -> np.ndarray:
    return (_days(t) + 3) // 7  # weeks from Monday (1970-01-01 was a Thursday)


def _months(step: int) -> _Key:
    return lambda t: t.astype("datetime64[M]").astype(np.int64) // step


def _years(step: int) -> _Key:
    return lambda t: t.astype("datetime64[Y]").astype(np.int64) // step


_UNITS: tuple[tuple[_Key, str], ...] = (
    (_hours(1), "%d %b %H:%M"),
    (_hours(2), "%d %b %H:%M"),
    (_hours(4), "%d %b %H:%M"),
    (_hours(6), "%d %b %H:%M"),
    (_hours(12), "%d %b %H:%M"),
    (_days, "%d %b"),
    (_weeks, "%d %b"),
    (_months(1), "%b '%y"),
    (_months(3), "%b '%y"),
    (_months(6), "%b '%y"),
    (_years(1), "%Y"),
    (_years(2), "%Y"),
    (_years(5), "%Y"),
    (_years(10), "%Y"),
    (_years(25), "%Y"),
)


def bar_positions(view: OhlcvView) -> np.ndarray:
    """Each bar's x: its index in the timeframe's whole history."""
    return np.arange(view.first_index, view.first_index + len(view.frame), dtype=np.int64)


def wall_times(view: OhlcvView) -> np.ndarray:
    """The bars' UTC wall times as naive ``datetime64[ns]``."""
    return view.frame["time"].dt.tz_convert(None).to_numpy()


def time_ticks(times: np.ndarray, positions: np.ndarray) -> tuple[list[int], list[str]]:
    """(tickvals, ticktext): the first bar of each calendar period (the finest unit with at most
    ``MAX_TICKS`` of them in ``times``), labelled in that unit's words; evenly spread dates when
    no unit has enough boundaries (a few bars)."""
    if len(times) == 0:
        return [], []
    finer: tuple[np.ndarray, str] | None = None
    for key, label in _UNITS:
        keys = key(times)
        starts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
        if len(starts) <= MAX_TICKS:
            if len(starts) >= MIN_TICKS:
                return _labelled(times, positions, starts, label)
            if finer is not None:  # too few here, too many one unit finer: every n-th of those
                rows, finer_label = finer
                step = -(-len(rows) // MAX_TICKS)
                return _labelled(times, positions, rows[::step], finer_label)
            break
        finer = (starts, label)
    spread = np.unique(np.linspace(0, len(times) - 1, min(len(times), 5)).round().astype(int))
    daily = bool((times.astype("datetime64[D]") == times).all())
    return _labelled(times, positions, spread, "%d %b '%y" if daily else "%d %b %H:%M")


def _labelled(
    times: np.ndarray, positions: np.ndarray, rows: np.ndarray, label: str
) -> tuple[list[int], list[str]]:
    stamps = times[rows].astype("datetime64[s]").tolist()  # datetime.datetime
    return [int(p) for p in positions[rows]], [s.strftime(label) for s in stamps]


def hover_times(times: np.ndarray, timeframe: Timeframe) -> np.ndarray:
    """Each bar's date as the core writes it at ``timeframe`` (``app.core.bar_dates``:
    ``2024-01-03 14:00 UTC`` intraday, ``2024-01-03`` daily and weekly, ``May '18`` monthly)."""
    pattern = bar_time_format(timeframe)
    if pattern == INTRADAY_FORMAT:  # numpy writes ISO dates ~20x faster than strftime
        text = np.char.replace(np.datetime_as_string(times, unit="m"), "T", " ")
        return np.char.add(text, " UTC")
    if pattern == DATE_FORMAT:
        return np.datetime_as_string(times, unit="D")
    stamps = times.astype("datetime64[s]").tolist()  # datetime.datetime
    return np.array([stamp.strftime(pattern) for stamp in stamps])


def positions_of(times: np.ndarray, positions: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The x of each of ``wanted`` (naive UTC ``datetime64[ns]``) among the bars, -1 for a time
    that is not one of them."""
    if len(times) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    at = np.clip(np.searchsorted(times, wanted), 0, len(times) - 1)
    return np.where(times[at] == wanted, positions[at], -1)
