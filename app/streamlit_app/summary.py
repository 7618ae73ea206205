"""The small summary under the chart (bars, the range drawn, last close and change) and the
CSV export."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from app.charts.price_change import last_change
from app.core import OHLCV_COLUMNS, OhlcvView, ema_column
from app.core.indicators import IndicatorSpec


@dataclass(frozen=True)
class Summary:
    timeframe: str
    bars: int  # in the whole history at ``timeframe``
    start: pd.Timestamp  # of the bars drawn
    end: pd.Timestamp
    last_close: float
    change: float | None  # last close minus the previous bar's close; None with a single bar
    change_pct: float | None


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
    )


def format_price(value: float) -> str:
    """Enough decimals for both 40,000.00 and 0.000123."""
    if value == 0 or not math.isfinite(value):
        return f"{value:,.2f}"
    decimals = max(2, min(8, 3 - math.floor(math.log10(abs(value)))))
    return f"{value:,.{decimals}f}"


def format_time(stamp: pd.Timestamp) -> str:
    if stamp.hour == stamp.minute == stamp.second == 0:
        return stamp.strftime("%Y-%m-%d")
    return stamp.strftime("%Y-%m-%d %H:%M")


def render_summary(summary: Summary) -> None:
    bars, span, close = st.columns([1, 2, 1])
    bars.metric(f"Bars ({summary.timeframe})", f"{summary.bars:,}")
    span.metric("Shown (UTC)", f"{format_time(summary.start)} → {format_time(summary.end)}")
    delta = None
    if summary.change is not None:
        delta = f"{summary.change:+,.{_decimals_of(summary.last_close)}f}"
        if summary.change_pct is not None:
            delta += f" ({summary.change_pct:+.2f}%)"
    close.metric("Last close", format_price(summary.last_close), delta=delta)


def _decimals_of(value: float) -> int:
    text = format_price(value)
    return len(text.split(".")[1]) if "." in text else 0


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
