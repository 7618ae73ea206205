"""The report's chart: the Plotly engine's candles and volume with the levels and spikes."""

from __future__ import annotations

import dataclasses

import plotly.graph_objects as go

from app.charts.plotly_charts import MAX_FIGURE_BARS, build_plotly_figure
from app.charts.plotly_overlays import add_levels, add_volume_spikes
from app.core import OhlcvView
from app.core.analysis import Analysis
from app.core.frame import epoch_seconds


def report_figure(view: OhlcvView, analysis: Analysis) -> tuple[go.Figure, str | None]:
    """The analysed window's last ``MAX_FIGURE_BARS`` bars at the analysis timeframe (never
    coarsened: spikes sit on the very bars they were found on), and a note when that is fewer
    bars than were analysed."""
    frame = view.frame.iloc[max(0, len(view.frame) - analysis.bars) :]
    note = None
    if len(frame) > MAX_FIGURE_BARS:
        note = f"The chart shows the last {MAX_FIGURE_BARS:,} of the {len(frame):,} bars analysed."
        frame = frame.iloc[len(frame) - MAX_FIGURE_BARS :]
    shown = dataclasses.replace(view, frame=frame.reset_index(drop=True), ema_periods=())
    title = f"{analysis.symbol} · {analysis.timeframe}"
    fig = build_plotly_figure(shown, offered_emas=(), title=title)
    add_levels(fig, analysis.levels)
    if len(frame):
        first = int(epoch_seconds(frame["time"].iloc[:1])[0])
        add_volume_spikes(fig, [s for s in analysis.volume_spikes if s.time >= first])
    fig.update_layout(height=620, margin={"l": 10, "r": 10, "t": 50, "b": 30})
    return fig, note
