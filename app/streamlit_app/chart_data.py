"""What one chart draws: the window of bars at the chosen timeframe (Auto resolved), its
summary and the core's analysis of it; shared by the symbol and upload loaders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from app.core import (
    OhlcvView,
)
from app.core.analysis import Analysis, analyse_up_to
from app.streamlit_app.summary import Summary, summarize
from app.streamlit_app.windowing import (
    AUTO,
    Anchor,
    Fetch,
    load_window,
    reaches_newest,
    resolve_auto,
)


@dataclass(frozen=True)
class ChartData:
    key: str  # names this data among all loads (for caches of what is drawn from it)
    view: OhlcvView  # what the chart draws: a window of at most the engine's bars
    notice: str | None  # what Auto drew, when the timeframe is Auto
    data_notices: tuple[str, ...]  # what the loader fixed in the data (rows sorted, ...)
    summary: Summary  # the bars drawn among the whole history, and the newest close
    analysis: Analysis  # the core's rule up to the bars drawn: levels, spikes, signals, summary


# The analysis of a drawn window: (timeframe, end or None for the newest) -> Analysis.
Analyse = Callable[[str, object], Analysis]


def chart_data(
    fetch: Fetch,
    timeframe: str,
    anchor: Anchor,
    bars: int,
    *,
    key: str,
    analyse: Analyse | None = None,
) -> ChartData:
    """The window to draw at the chosen timeframe (Auto resolved and said), and the summary.
    ``analyse`` (cached by the caller, keyed without the EMAs and indicators, which the
    analysis does not read) gives the analysis; by default it is computed from ``fetch``."""
    notice = None
    if timeframe == AUTO:
        timeframe, notice = resolve_auto(fetch, bars)
    view = load_window(fetch, timeframe, anchor, bars)
    latest = view.frame if reaches_newest(view) else fetch(timeframe=timeframe, limit=2).frame
    window = f"{view.timeframe.name}|{view.first_index}|{len(view.frame)}|{view.total_bars}"
    return ChartData(
        key=f"{key}|{window}",
        view=view,
        notice=notice,
        data_notices=view.notices,
        summary=summarize(view, latest.tail(2)),
        analysis=(analyse or partial(analyse_up_to, fetch))(view.timeframe.name, window_end(view)),
    )


def window_end(view: OhlcvView) -> object:
    """Where the core's one analysis rule (:func:`analyse_up_to`: the last ``DEFAULT_LOOKBACK``
    bars up to the window's last one, as the page, the API and Dash analyse them) stops: None
    for the newest window (for the REST API source: no second request), else its last bar."""
    return None if reaches_newest(view) else view.frame["time"].iloc[-1]


def analyse_window(fetch: Fetch, view: OhlcvView) -> Analysis:
    """The core's one analysis rule for the bars drawn, so every front end gives the same
    numbers."""
    return analyse_up_to(fetch, view.timeframe.name, window_end(view))
