"""What one chart shows: a window of bars at the timeframe asked for, and a one-line summary.

The bars are always of the selected timeframe (``WINDOW_BARS`` of them at a time, paged by
:mod:`app.dash_app.window`); a coarser timeframe is drawn only when the user picks "Auto", and the
notice then says which one was drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pandas as pd

from app.charts.precision import view_price_precision
from app.charts.price_change import last_change
from app.config import Settings
from app.core import DataError, OhlcvView, build_view, coarsest_needed, get_ohlcv
from app.core.analysis import Analysis, analyse_up_to
from app.core.bar_dates import format_bar_time
from app.core.precision import price_text
from app.core.time_bounds import EARLIEST_NS
from app.dash_app.uploads import UploadCache, UploadRef
from app.dash_app.window import WINDOW_BARS, Held, Window

SOURCE_CONFIGURED = "configured"  # DATA_DIR files, or the broker API (DATA_SOURCE)
SOURCE_UPLOAD = "upload"
# Timeframe option for the data's own bars. Not "": dbc.Select adds a hidden placeholder option
# with value "", which the browser would show instead of ours (a blank select).
NATIVE = "native"
# Timeframe option that draws the whole history in one window: the finest timeframe that fits.
AUTO = "auto"


@dataclass(frozen=True)
class ChartData:
    view: OhlcvView  # at most WINDOW_BARS bars of the timeframe drawn
    notice: str | None  # what "Auto" drew
    data_notices: tuple[str, ...]  # what the loader fixed in the data (rows sorted, ...)
    summary: str
    title: str
    load: Callable[..., OhlcvView]  # the loader of these bars (timeframe=, end=, limit=, ...)

    @property
    def held(self) -> Held:
        return Held.of(self.view)

    def analysis(self) -> Analysis:
        """The core's one analysis rule up to the bars drawn: the same numbers as the page, the
        API and Streamlit for the same bars."""
        end = None if _is_newest(self.view) else self.view.frame["time"].iloc[-1]
        return analyse_up_to(self.load, self.view.timeframe.name, end)


def load_chart_data(
    *,
    source: str,
    symbol: str | None,
    timeframe: str | None,
    emas: tuple[int, ...],
    upload: UploadRef | None,
    uploads: UploadCache,
    settings: Settings,
    window: Window | None = None,
    indicators: tuple[str, ...] = (),
) -> ChartData:
    """A window of bars (the newest unless ``window`` says otherwise), with every offered EMA
    computed over the whole history (toggles only choose which to draw).
    Raises SuperChartError subclasses with messages meant for the user."""
    if source == SOURCE_UPLOAD:
        if upload is None:
            raise DataError("No file uploaded yet: drop a CSV or Parquet file on the upload box.")
        frame = uploads.frame(upload)
        load = partial(build_view, frame, symbol=upload.symbol, emas=emas, indicators=indicators)
        name = upload.filename  # as Streamlit titles it
    else:
        if not symbol:
            raise DataError("No symbol chosen (the data folder may be empty).")
        load = partial(get_ohlcv, symbol, emas=emas, indicators=indicators, settings=settings)
        name = None
    notice = None
    if timeframe == AUTO:
        timeframe, notice = _auto_timeframe(load)
    elif timeframe in (None, "", NATIVE):
        timeframe = None
    window = window or Window()
    view = load(timeframe=timeframe, limit=window.bars, **window.bounds())
    if view.total_bars == 0:
        raise DataError(f"{view.symbol} has no bars at {view.timeframe.name}.")
    if view.frame.empty:  # a window past the data: show the newest bars instead
        view = load(timeframe=timeframe, limit=WINDOW_BARS)
    newest = view if _is_newest(view) else load(timeframe=timeframe, limit=2)
    return ChartData(
        view=view,
        notice=notice,
        data_notices=view.notices,
        summary=summarize(view, newest),
        title=f"{name or view.symbol} · {view.timeframe.name}",
        load=load,
    )


def _is_newest(view: OhlcvView) -> bool:
    return view.first_index + len(view.frame) >= view.total_bars


def _auto_timeframe(load: partial) -> tuple[str, str]:
    """The finest timeframe that draws the whole history in one window, and a notice saying so."""
    newest = load(timeframe=None, limit=1)
    if newest.total_bars == 0:
        raise DataError(f"{newest.symbol} has no bars.")
    oldest = load(timeframe=None, limit=1, start=pd.Timestamp(EARLIEST_NS, tz="UTC"))
    span = (newest.frame["time"].iloc[-1] - oldest.frame["time"].iloc[0]).total_seconds()
    native = newest.timeframe
    target = coarsest_needed(native, span, WINDOW_BARS)
    if target == native:
        notice = f"Auto: drawing the data's own {native.name} bars (they fit one chart)."
    else:
        notice = (
            f"Auto: drawing {target.name} bars, the finest timeframe that shows the whole "
            f"history ({newest.total_bars:,} {native.name} bars) in at most {WINDOW_BARS:,} bars."
        )
    return target.name, notice


def summarize(view: OhlcvView, newest: OhlcvView) -> str:
    """``5,000 bars at 1h · showing 3,001-5,000 (2024-04-01 00:00 → 2024-07-24 07:00 UTC) ·
    last 101.5 (+0.42%)``: the window drawn, then the newest bar of the whole history."""
    frame = view.frame
    first, last = (format_bar_time(frame["time"].iloc[i], view.timeframe) for i in (0, -1))
    span = f"{first} → {last} UTC"
    if len(frame) < view.total_bars:
        lo = view.first_index + 1
        hi = view.first_index + len(frame)
        span = f"showing {lo:,}-{hi:,} ({span}); pan or zoom past an edge for more"
    closes = newest.frame["close"]
    last = price_text(float(closes.iloc[-1]), view_price_precision(view))
    text = f"{view.total_bars:,} bars at {view.timeframe.name} · {span} · last {last}"
    change = last_change(closes)
    if change is not None and change.percent is not None:
        text += f" ({change.percent:+.2f}%)"
    return text
