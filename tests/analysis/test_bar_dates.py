"""#20: one date rule by timeframe wherever a bar's time is read: monthly bars as "May '18",
daily and weekly as their date, intraday with the time (reports, summary, Plotly hovers)."""

from __future__ import annotations

import re

import pandas as pd

from app.charts.plotly_charts import build_plotly_figure
from app.core import build_view
from app.core.analysis import analyse
from app.core.bar_dates import bar_time_format
from app.core.synthetic import synthetic_ohlcv
from app.reports import render_markdown_report


def _view(timeframe: str, bars: int):
    frame = synthetic_ohlcv(bars * 31 if timeframe == "1M" else bars, "1d", seed=4)
    return build_view(frame, symbol="GOOG", timeframe=timeframe)


def test_a_monthly_report_writes_months_not_midnights() -> None:
    view = _view("1M", 60)
    analysis = analyse(view)
    text = render_markdown_report(analysis, spike_window=25, spike_sigma=4.0)
    last = view.frame["time"].iloc[-1]
    assert f"Last bar {last:%b '%y}," in text
    assert "00:00" not in text
    assert re.search(
        r"\| (support|resistance) \| [\d,.]+ \| \d+ \| [A-Z][a-z]{2} (?:'|&#x27;)\d\d \|", text
    )


def test_a_daily_report_writes_dates_without_a_time() -> None:
    analysis = analyse(_view("1d", 600))
    text = render_markdown_report(analysis, spike_window=25, spike_sigma=4.0)
    assert re.search(r"Last bar \d{4}-\d\d-\d\d,", text)
    assert "00:00" not in text


def test_plotly_hovers_follow_the_same_rule() -> None:
    """The candle's hover carries each bar's date (bars sit at positions: plotly_time)."""
    hover = {}
    for tf in ("1M", "1w", "1d"):
        view = _view(tf, 120)
        candles = build_plotly_figure(view, offered_emas=()).data[0]
        hover[tf] = (candles.customdata[-1], f"{view.frame['time'].iloc[-1]:{bar_time_format(tf)}}")
    assert {tf: shown for tf, (shown, _) in hover.items()} == {
        tf: wanted for tf, (_, wanted) in hover.items()
    }
    assert "'" in hover["1M"][0] and len(hover["1d"][0]) == 10
    hourly = build_view(synthetic_ohlcv(50, "1h"), symbol="X", timeframe="1h")
    last = build_plotly_figure(hourly, offered_emas=()).data[0].customdata[-1]
    assert last == f"{hourly.frame['time'].iloc[-1]:%Y-%m-%d %H:%M} UTC"
    assert pd.Timestamp("2018-05-01").strftime("%b '%y") == "May '18"
