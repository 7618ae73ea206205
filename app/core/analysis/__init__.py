"""Market analysis on a canonical OHLCV frame: support/resistance, volume spikes, signals and a
rule-written summary. Pure functions, no I/O: the web routes and front ends call them.

    find_levels(frame, levels=8) -> list[Level]          (levels.py, on pivots.py)
    find_volume_spikes(frame, window=25, sigma=4.0) -> list[Spike]   (spikes.py)
    compute_signals(frame, levels=()) -> list[Signal]    (signals.py)
    write_summary(...) -> str                            (summary.py)
    analyse(view_or_frame, ...) -> Analysis; Analysis.as_json() is GET /api/analysis's body
    analyse_symbol(symbol, timeframe=, end=, lookback=, ...) -> (OhlcvView, Analysis)  (load.py:
        from the configured source, with the warm-up bars; what the API, report and UIs call)
    analyse_up_to(fetch, timeframe, end) -> Analysis    (load.py: the same rule for a chart's
        own loader, Streamlit's and Dash's; analysis_scope(analysis) says it under a panel)
"""

from app.core.analysis.analyse import (
    DEFAULT_LOOKBACK,
    WARMUP_BARS,
    Analysis,
    analyse,
    analysis_scope,
    recent_spikes,
    scan_symbol,
)
from app.core.analysis.levels import DEFAULT_LEVELS, Level, find_levels
from app.core.analysis.load import analyse_symbol, analyse_up_to, analysis_limit
from app.core.analysis.signals import SIGNAL_NAMES, Signal, compute_signals
from app.core.analysis.spikes import DEFAULT_SIGMA, DEFAULT_WINDOW, Spike, find_volume_spikes
from app.core.analysis.summary import write_summary

__all__ = [
    "DEFAULT_LEVELS",
    "DEFAULT_LOOKBACK",
    "DEFAULT_SIGMA",
    "DEFAULT_WINDOW",
    "SIGNAL_NAMES",
    "WARMUP_BARS",
    "Analysis",
    "Level",
    "Signal",
    "Spike",
    "analyse",
    "analyse_symbol",
    "analyse_up_to",
    "analysis_limit",
    "analysis_scope",
    "compute_signals",
    "find_levels",
    "find_volume_spikes",
    "recent_spikes",
    "scan_symbol",
    "write_summary",
]
