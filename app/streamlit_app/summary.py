"""The small summary under the chart (bars, the range drawn, last close and change) and the
CSV export."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from app.charts.precision import view_price_precision
from app.charts.price_change import last_change
from app.core import OHLCV_COLUMNS, OhlcvView, ema_column
from app.core.bar_dates import format_bar_time
from app.core.indicators import IndicatorSpec
from app.core.precision import price_text, signed_price_text


@dataclass(frozen=True)
class Summary:
    timeframe: str
    bars: int  # in the whole history at ``timeframe``
    start: pd.Timestamp  # of the bars drawn
    end: pd.Timestamp
    last_close: float
    change: float | None  # last close minus the previous bar's close; None with a single bar
    change_pct: float | None
    decimals: int  # the symbol's price precision (the core's rule)


def summarize(window: OhlcvView, latest: pd.DataFrame) -> Summary:
    """The bars drawn (``window``, non-empty) among the whole history, whose newest bars are
    ``latest`` (the last close is the data's newest, whichever page is drawn)."""
    closes = latest["close"]
    last = float(closes.iloc[-1])
    change = last_change(closes)
    times = window.frame["time"]
    return Summary(
        timeframe=window.timeframe.name,
        bars=window.total_bars,
        start=times.iloc[0],
        end=times.iloc[-1],
        last_close=last,
        change=change.absolute if change else None,
        change_pct=change.percent if change else None,
        decimals=view_price_precision(window),
    )


def format_time(stamp: pd.Timestamp, timeframe: str | None = None) -> str:
    """A bar's time by the core's rule for ``timeframe`` (May '18, 2018-05-07, ... 14:00)."""
    if timeframe is None:
        timeframe = "1d" if stamp.hour == stamp.minute == stamp.second == 0 else "1h"
    return format_bar_time(stamp, timeframe)


def render_summary(summary: Summary) -> None:
    bars, close = st.columns(2)
    bars.metric(f"Bars ({summary.timeframe})", f"{summary.bars:,}")
    start, end = (format_time(t, summary.timeframe) for t in (summary.start, summary.end))
    delta = None
    if summary.change is not None:
        delta = signed_price_text(summary.change, summary.decimals)
        if summary.change_pct is not None:
            delta += f" ({summary.change_pct:+.2f}%)"
    close.metric("Last close", price_text(summary.last_close, summary.decimals), delta=delta)
    # A caption, not a metric: a metric cut the range to "2018-02-...".
    st.caption(f"Shown (UTC): {start} → {end}")


def frame_to_csv(
    frame: pd.DataFrame, emas: Sequence[int], indicators: Sequence[IndicatorSpec] = ()
) -> bytes:
    """The bars with the chosen EMAs and indicators, as the CSV a user downloads (ISO-8601 UTC
    times; the API's column names)."""
    wanted = [ema_column(p) for p in emas]
    wanted += [column for spec in indicators for column in spec.columns]
    columns = [*OHLCV_COLUMNS, *dict.fromkeys(c for c in wanted if c in frame)]
    out = frame[columns].copy()
    out["time"] = out["time"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return out.to_csv(index=False).encode()
