"""What one chart shows: the full view asked for, fitted to a figure, and a one-line summary."""

from __future__ import annotations

from dataclasses import dataclass

from app.charts.plotly_charts import fit_view
from app.charts.price_change import last_change
from app.config import Settings
from app.core import DataError, OhlcvView, build_view, get_ohlcv
from app.dash_app.uploads import UploadCache, UploadRef

SOURCE_CONFIGURED = "configured"  # DATA_DIR files, or the broker API (DATA_SOURCE)
SOURCE_UPLOAD = "upload"
# Timeframe option for the data's own bars. Not "": dbc.Select adds a hidden placeholder option
# with value "", which the browser would show instead of ours (a blank select).
NATIVE = "native"


@dataclass(frozen=True)
class ChartData:
    view: OhlcvView  # at most MAX_FIGURE_BARS bars
    notice: str | None  # why a coarser timeframe or a window is shown
    data_notices: tuple[str, ...]  # what the loader fixed in the data (rows sorted, ...)
    summary: str
    title: str


def load_chart_data(
    *,
    source: str,
    symbol: str | None,
    timeframe: str | None,
    emas: tuple[int, ...],
    upload: UploadRef | None,
    uploads: UploadCache,
    settings: Settings,
) -> ChartData:
    """The bars to draw, with every offered EMA computed (toggles only choose which to draw).
    Raises SuperChartError subclasses with messages meant for the user."""
    timeframe = None if timeframe in (None, "", NATIVE) else timeframe
    if source == SOURCE_UPLOAD:
        if upload is None:
            raise DataError("No file uploaded yet: drop a CSV or Parquet file on the upload box.")
        frame = uploads.frame(upload)
        full = build_view(frame, symbol=upload.symbol, timeframe=timeframe, emas=emas)
    else:
        if not symbol:
            raise DataError("No symbol chosen (the data folder may be empty).")
        full = get_ohlcv(symbol, timeframe=timeframe, emas=emas, settings=settings)
    if full.frame.empty:
        raise DataError(f"{full.symbol} has no bars at {full.timeframe.name}.")
    view, notice = fit_view(full)
    name = upload.filename if source == SOURCE_UPLOAD else full.symbol  # as Streamlit titles it
    return ChartData(
        view=view,
        notice=notice,
        data_notices=full.notices,
        summary=summarize(full),
        title=f"{name} · {view.timeframe.name}",
    )


def summarize(view: OhlcvView) -> str:
    """``1,234 bars at 1h · 2024-01-01 00:00 → 2024-02-21 09:00 UTC · last 101.5 (+0.42%)``."""
    frame = view.frame
    first, last = frame["time"].iloc[0], frame["time"].iloc[-1]
    close = float(frame["close"].iloc[-1])
    text = (
        f"{len(frame):,} bars at {view.timeframe.name} · "
        f"{first:%Y-%m-%d %H:%M} → {last:%Y-%m-%d %H:%M} UTC · last {close:,.6g}"
    )
    change = last_change(frame["close"])
    if change is not None and change.percent is not None:
        text += f" ({change.percent:+.2f}%)"
    return text
