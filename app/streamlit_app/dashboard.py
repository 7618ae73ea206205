"""The page: sidebar controls, then the chart, its summary and the CSV download.

It only parses input, calls the core (through the cached loaders) and an engine, and shows the
result or the error; a bad file or a failing API shows an st.error and the rest keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import streamlit as st

from app.config import Settings, get_settings
from app.core import SuperChartError
from app.streamlit_app import sidebar
from app.streamlit_app.alerts import show_error
from app.streamlit_app.chart_panel import render_chart
from app.streamlit_app.loading import (
    ChartData,
    Upload,
    load_symbol_chart,
    load_symbols,
    load_upload_chart,
    symbol_csv,
    upload_csv,
    upload_native_timeframe,
)
from app.streamlit_app.summary import render_summary

PAGE_TITLE = "Super Chart"


@dataclass(frozen=True)
class Request:
    """What the sidebar asks for, once it is complete enough to draw."""

    source: str
    label: str  # symbol, or the uploaded file's name
    timeframe: str
    offered_emas: tuple[int, ...]
    visible_emas: tuple[int, ...]
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


def _render(settings: Settings) -> None:
    problem: Exception | None = None
    empty_message: str | None = None
    info = upload = None
    native: str | None = None
    max_bytes = settings.upload_max_bytes

    with st.sidebar:
        st.title(PAGE_TITLE)
        source = sidebar.choose_source(settings)
        if source in (sidebar.SOURCE_FILES, sidebar.SOURCE_API):
            try:
                symbols = load_symbols(settings, source)
            except SuperChartError as exc:
                problem, symbols = exc, []
            if symbols:
                info = sidebar.choose_symbol(symbols, settings)
                native = info.timeframe
            elif problem is None:
                empty_message = (
                    f"No CSV or Parquet files in {settings.data_dir}. "
                    "Upload one with the uploader in the sidebar."
                    if source == sidebar.SOURCE_FILES
                    else "The data API lists no symbols."
                )
        uploaded = sidebar.upload_widget(settings)
        if source == sidebar.SOURCE_UPLOAD:
            if uploaded is None:
                empty_message = "Upload a CSV or Parquet file with the uploader in the sidebar."
            else:
                upload = Upload.of_uploaded(uploaded)
                try:
                    native = upload_native_timeframe(upload, max_bytes)
                except SuperChartError as exc:
                    problem = exc
        timeframe = sidebar.choose_timeframe(native, settings)
        visible = sidebar.choose_emas(settings)
        engine = sidebar.choose_engine()

    if problem is not None:
        show_error(problem)
        return
    if empty_message is not None:
        st.info(empty_message, icon=":material/upload_file:")
        return

    request = Request(
        source=source,
        label=upload.filename if upload else info.symbol,
        timeframe=timeframe,
        offered_emas=tuple(settings.ema_periods),
        visible_emas=tuple(visible),
        engine=engine,
    )
    try:
        if upload is not None:
            data = load_upload_chart(upload, max_bytes, timeframe, request.offered_emas)
            make_csv = partial(upload_csv, upload, max_bytes, timeframe, request.visible_emas)
        else:
            data = load_symbol_chart(settings, source, info, timeframe, request.offered_emas)
            make_csv = partial(
                symbol_csv, settings, source, info.symbol, timeframe, request.visible_emas
            )
    except SuperChartError as exc:
        show_error(exc)
        return
    _render_result(request, data, make_csv)


def _render_result(request: Request, data: ChartData, make_csv) -> None:
    if data.notice:
        st.info(data.notice, icon=":material/info:")
    render_chart(
        data,
        title=f"{request.label} · {data.view.timeframe.name}",
        engine=request.engine,
        offered_emas=request.offered_emas,
        visible_emas=request.visible_emas,
    )
    render_summary(data.summary)
    stem = request.label.rsplit(".", 1)[0]
    st.download_button(
        "Download CSV with indicators",
        data=make_csv,
        file_name=f"{stem}_{request.timeframe}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )
