"""The page: sidebar controls, then the chart, its summary and the CSV download.

It only parses input, calls the core (through the cached loaders) and an engine, and shows the
result or the error; a bad file or a failing API shows an st.error and the rest keeps working.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

import streamlit as st

from app.config import Settings, get_settings
from app.core import SuperChartError, SymbolInfo
from app.core.indicators import IndicatorSpec
from app.streamlit_app import sidebar
from app.streamlit_app.alerts import show_error
from app.streamlit_app.analysis_panel import render_analysis
from app.streamlit_app.chart_data import ChartData
from app.streamlit_app.chart_panel import render_chart
from app.streamlit_app.engines import window_bars
from app.streamlit_app.grid_view import choose_layout, render_grid
from app.streamlit_app.indicator_picker import choose_indicators
from app.streamlit_app.literal_text import literal
from app.streamlit_app.loading import (
    SOURCE_LABELS,
    load_symbol_chart,
    load_symbols,
    symbol_csv,
)
from app.streamlit_app.overlays import Overlays
from app.streamlit_app.paging import current_anchor, go_newest, render_paging
from app.streamlit_app.png_download import render_png_download
from app.streamlit_app.summary import render_summary
from app.streamlit_app.upload_status import read_with_status
from app.streamlit_app.uploads import Upload, load_upload_chart, upload_csv
from app.streamlit_app.windowing import Anchor

PAGE_TITLE = "Super Chart"
UPLOAD_PROBLEM = (
    "The uploaded file cannot be drawn: the reason is under the uploader in the sidebar. "
    "Upload another file, or pick another data source."
)


@dataclass(frozen=True)
class Request:
    """What the sidebar asks for, once it is complete enough to draw."""

    source: str
    label: str  # symbol, or the uploaded file's name
    timeframe: str
    offered_emas: tuple[int, ...]
    visible_emas: tuple[int, ...]
    indicators: tuple[IndicatorSpec, ...]
    overlays: Overlays
    engine: str


def render_dashboard() -> None:
    # No page_icon: Streamlit fetches a :material/...: favicon from fonts.gstatic.com.
    st.set_page_config(page_title=PAGE_TITLE, layout="wide")
    try:
        settings = get_settings()
    except SuperChartError as exc:
        show_error(exc)
        return
    try:
        _render(settings)
    except Exception as exc:  # a bug: logged, a plain message shown, the app stays up
        show_error(exc)


@dataclass
class Dataset:
    """The data the sidebar points at, or why there is nothing to draw yet."""

    source: str
    info: SymbolInfo | None = None
    upload: Upload | None = None
    native: str | None = None  # native timeframe, when known
    problem: Exception | None = None
    problem_shown: bool = False  # already said inline, under the uploader
    empty_message: str | None = None

    @property
    def key(self) -> str:
        """Which data this is: the source, then the symbol or the uploaded file's digest."""
        symbol = self.info.symbol if self.info else ""
        digest = self.upload.digest if self.upload else ""
        return f"{self.source}|{symbol}|{digest}"

    @property
    def label(self) -> str:
        return self.upload.filename if self.upload else self.info.symbol


def _render(settings: Settings) -> None:
    with st.sidebar:
        st.title(PAGE_TITLE)
        layout = choose_layout()
        dataset = _choose_dataset(settings)
    if layout == "grid" and dataset.source != sidebar.SOURCE_UPLOAD and dataset.problem is None:
        render_grid(settings, dataset.source, load_symbols(settings, dataset.source))
        return
    with st.sidebar:
        timeframe = sidebar.choose_timeframe(
            dataset.key, dataset.native, settings, upload=dataset.upload is not None
        )
        visible = sidebar.choose_emas(settings)
        indicators = choose_indicators(settings.ema_periods)
        overlays = sidebar.choose_overlays()
        engine = sidebar.choose_engine()

    if dataset.problem is not None:
        if dataset.problem_shown:
            st.info(UPLOAD_PROBLEM, icon=":material/upload_file:")
        else:
            show_error(dataset.problem)
        return
    if dataset.empty_message is not None:
        st.info(dataset.empty_message, icon=":material/upload_file:")
        return
    request = Request(
        source=dataset.source,
        label=dataset.label,
        timeframe=timeframe,
        offered_emas=tuple(settings.ema_periods),
        visible_emas=tuple(visible),
        indicators=indicators,
        overlays=overlays,
        engine=engine,
    )
    # Files and the REST API get new bars: the chart redraws on its own every
    # STREAMLIT_REFRESH_S (a fragment: only the chart reruns, not the sidebar).
    every = settings.streamlit_refresh_s if dataset.upload is None else 0
    live_chart = st.fragment(_render_chart_part, run_every=every or None)
    live_chart(settings, dataset, request, every)


def _render_chart_part(
    settings: Settings, dataset: Dataset, request: Request, every: float
) -> None:
    """Everything under the sidebar; reruns alone on the refresh interval and on paging."""
    try:
        anchor = current_anchor(f"{dataset.key}|{request.timeframe}")
        try:
            data, make_csv = _load(settings, dataset, request, anchor)
        except SuperChartError as exc:
            show_error(exc)
            if not anchor.newest:
                st.button("Back to the newest bars", on_click=go_newest)
            return
        _render_result(request, data, make_csv, f"{dataset.key}|{request.timeframe}|{anchor}")
        updated = datetime.now(UTC).strftime("%H:%M:%S")
        refresh = f" · refreshes every {every:g} s" if every else ""
        st.caption(f":material/update: Last updated {updated} UTC{refresh}")
    except Exception as exc:  # a bug: logged, a plain message shown (fragment reruns too)
        show_error(exc)


def _choose_dataset(settings: Settings) -> Dataset:
    """Source and symbol widgets, then the uploader, which stays visible whatever the source."""
    dataset = Dataset(source=sidebar.choose_source(settings))
    if dataset.source != sidebar.SOURCE_UPLOAD:
        symbols: list[SymbolInfo] = []
        try:
            symbols = load_symbols(settings, dataset.source)
        except SuperChartError as exc:
            dataset.problem = exc
        if symbols:
            dataset.info = sidebar.choose_symbol(symbols, settings)
            dataset.native = dataset.info.timeframe
        elif dataset.problem is None:
            dataset.empty_message = (
                f"No CSV or Parquet files in {settings.data_dir}. "
                "Upload one with the uploader in the sidebar."
                if dataset.source == sidebar.SOURCE_FILES
                else "The data API lists no symbols."
                if dataset.source == sidebar.SOURCE_API
                else f"{SOURCE_LABELS[dataset.source]} lists no symbols."
            )
    uploaded = sidebar.upload_widget(settings)
    if dataset.source == sidebar.SOURCE_UPLOAD:
        if uploaded is None:
            dataset.empty_message = (
                "Upload a CSV (or .csv.gz, or a .zip with one CSV) or Parquet file with the "
                "uploader in the sidebar."
            )
        else:
            dataset.upload = Upload.of_uploaded(uploaded)
            try:
                dataset.native = read_with_status(dataset.upload, settings.upload_max_bytes)
            except SuperChartError as exc:
                dataset.problem = exc
                dataset.problem_shown = True
    return dataset


def _load(
    settings: Settings, dataset: Dataset, request: Request, anchor: Anchor
) -> tuple[ChartData, Callable[[], bytes]]:
    """The chart's window (cached), and how to build the download (the whole history at the
    timeframe drawn) when it is clicked."""
    bars = window_bars(request.engine)
    if dataset.upload is not None:
        max_bytes = settings.upload_max_bytes
        data = load_upload_chart(
            dataset.upload,
            max_bytes,
            request.timeframe,
            request.offered_emas,
            bars,
            anchor,
            request.indicators,
        )
        drawn = data.view.timeframe.name
        make_csv = partial(
            upload_csv,
            dataset.upload,
            max_bytes,
            drawn,
            request.visible_emas,
            request.indicators,
        )
        return data, make_csv
    info = dataset.info
    data = load_symbol_chart(
        settings,
        dataset.source,
        info,
        request.timeframe,
        request.offered_emas,
        bars,
        anchor,
        request.indicators,
    )
    drawn = data.view.timeframe.name
    make_csv = partial(
        symbol_csv,
        settings,
        dataset.source,
        info.symbol,
        drawn,
        request.visible_emas,
        request.indicators,
    )
    return data, make_csv


def _render_result(
    request: Request, data: ChartData, make_csv: Callable[[], bytes], ui_revision: str
) -> None:
    for fixed in data.data_notices:
        st.warning(literal(fixed), icon=":material/warning:")
    if data.notice:
        st.info(literal(data.notice), icon=":material/info:")
    title = f"{request.label} · {data.view.timeframe.name}"
    render_chart(
        data,
        title=title,
        engine=request.engine,
        offered_emas=request.offered_emas,
        visible_emas=request.visible_emas,
        overlays=request.overlays,
        ui_revision=ui_revision,
    )
    render_paging(data.view, window_bars(request.engine))
    render_summary(data.summary)
    stem = f"{request.label.rsplit('.', 1)[0]}_{data.view.timeframe.name}"
    csv_column, png_column = st.columns(2)
    with csv_column:
        st.download_button(
            "Download CSV with indicators",
            data=make_csv,
            file_name=f"{stem}.csv",
            mime="text/csv",
            on_click="ignore",
            icon=":material/download:",
        )
    with png_column:
        render_png_download(
            data.view,
            stem=stem,
            title=title,
            offered_emas=request.offered_emas,
            visible_emas=request.visible_emas,
            analysis=data.analysis,
            overlays=request.overlays,
        )
    render_analysis(data.analysis)
