"""How a bar's time is written for people, by timeframe (one rule for the legend, the spikes
list, reports, Streamlit, Dash and images): a monthly bar is its month (``May '18``), a weekly
bar the date its week starts, a daily (or 3-day) bar its date, an intraday bar date and time.
All in UTC, as the bars are.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from app.core.errors import TimeframeError
from app.core.timeframes import Timeframe, parse_timeframe

DAY_SECONDS = 86400
MONTH_FORMAT = "%b '%y"  # May '18
DATE_FORMAT = "%Y-%m-%d"
INTRADAY_FORMAT = "%Y-%m-%d %H:%M"


def bar_time_format(timeframe: str | Timeframe | None) -> str:
    """The ``strftime`` format for bars of ``timeframe`` (intraday when unknown or invalid).

    >>> bar_time_format("1M"), bar_time_format("1w"), bar_time_format("4h")
    ("%b '%y", '%Y-%m-%d', '%Y-%m-%d %H:%M')
    """
    if not timeframe:
        return INTRADAY_FORMAT
    try:
        parsed = parse_timeframe(timeframe)
    except TimeframeError:  # an unknown name: written in full
        return INTRADAY_FORMAT
    if parsed.name == "1M":
        return MONTH_FORMAT
    return DATE_FORMAT if parsed.seconds >= DAY_SECONDS else INTRADAY_FORMAT


def format_bar_time(value: int | float | pd.Timestamp | dt.datetime, timeframe: object) -> str:
    """A bar's time (UNIX seconds or a timestamp, UTC) as people read it at ``timeframe``.

    >>> format_bar_time(1525132800, "1M"), format_bar_time(1525132800, "1d")
    ("May '18", '2018-05-01')
    >>> format_bar_time(pd.Timestamp("2018-05-01 14:00", tz="UTC"), "1h")
    '2018-05-01 14:00'
    """
    if isinstance(value, int | float):
        stamp = dt.datetime.fromtimestamp(int(value), dt.UTC)
    else:
        stamp = pd.Timestamp(value)
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.strftime(bar_time_format(timeframe))  # type: ignore[arg-type]


def plotly_time_format(timeframe: object) -> str:
    """The same rule as a Plotly/d3 date format (hover and axis): ``%b '%y`` for months."""
    return bar_time_format(timeframe)  # d3-time-format shares these directives


__all__ = ["bar_time_format", "format_bar_time", "plotly_time_format"]
