"""The sidebar's widgets, one function each, called in the order they appear."""

from __future__ import annotations

import math
from collections.abc import Sequence

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from app.config import Settings
from app.core import SymbolInfo, timeframes_not_finer_than
from app.streamlit_app.engines import ENGINE_LABELS
from app.streamlit_app.loading import (
    REGISTRY_SOURCES,
    SOURCE_API,
    SOURCE_FILES,
    SOURCE_LABELS,
)
from app.streamlit_app.overlays import Overlays
from app.streamlit_app.windowing import AUTO, AUTO_LABEL

SOURCE_UPLOAD = "upload"
# A .csv.gz matches "gz" too; the core says why when a .gz holds something else.
UPLOAD_TYPES = ["csv", "csv.gz", "gz", "zip", "parquet"]

SOURCE_KEY = "source"
SYMBOL_KEY = "symbol"
UPLOAD_KEY = "upload"
TIMEFRAME_KEY = "timeframe"
TIMEFRAME_DATASET_KEY = "timeframe_dataset"  # which dataset the timeframe was chosen for
TIMEFRAME_PICKED_KEY = "timeframe_picked"  # the user chose it (not a dataset's default)
ENGINE_KEY = "engine"


def ema_key(period: int) -> str:
    return f"ema_{period}"


def source_options(settings: Settings) -> list[str]:
    """Files, an upload, the broker's API when set, then every other source in SOURCES."""
    options = [SOURCE_FILES, SOURCE_UPLOAD]
    if settings.data_api_base:
        options.append(SOURCE_API)
    options += [name for name in settings.enabled_sources if name in REGISTRY_SOURCES]
    return options


def default_source(settings: Settings) -> str:
    if settings.data_source == SOURCE_API and settings.data_api_base:
        return SOURCE_API
    if settings.default_source in REGISTRY_SOURCES:
        return settings.default_source  # DATA_SOURCE=exchange: the CCXT exchanges
    return SOURCE_FILES


def choose_source(settings: Settings) -> str:
    options = source_options(settings)
    if st.session_state.get(SOURCE_KEY) not in options:
        st.session_state[SOURCE_KEY] = default_source(settings)
    labels = {
        SOURCE_FILES: f"Files in {settings.data_dir}",
        SOURCE_UPLOAD: "Uploaded file",
        SOURCE_API: "REST API",
        **SOURCE_LABELS,
    }
    return st.radio("Data source", options, format_func=labels.__getitem__, key=SOURCE_KEY)


def choose_symbol(symbols: Sequence[SymbolInfo], settings: Settings) -> SymbolInfo:
    by_name = {info.symbol: info for info in symbols}
    if st.session_state.get(SYMBOL_KEY) not in by_name:
        default = settings.default_symbol
        st.session_state[SYMBOL_KEY] = default if default in by_name else symbols[0].symbol
    name = st.selectbox(
        "Symbol", list(by_name), format_func=lambda s: _symbol_label(by_name[s]), key=SYMBOL_KEY
    )
    return by_name[name]


def _symbol_label(info: SymbolInfo) -> str:
    if info.bars is None:
        return f"{info.symbol} ({info.timeframe})"
    return f"{info.symbol} ({info.timeframe}, {info.bars:,} bars)"


def _on_upload_change(fallback_source: str) -> None:
    """A new file is shown at once; removing it goes back to the other source. (The timeframe
    follows the data: see :func:`choose_timeframe`.)"""
    if st.session_state.get(UPLOAD_KEY) is not None:
        st.session_state[SOURCE_KEY] = SOURCE_UPLOAD
    elif st.session_state.get(SOURCE_KEY) == SOURCE_UPLOAD:
        st.session_state[SOURCE_KEY] = fallback_source


def upload_widget(settings: Settings) -> UploadedFile | None:
    """Always visible, whatever the source, as in the design."""
    return st.file_uploader(
        "Upload OHLCV (CSV, .csv.gz, .zip or Parquet)",
        type=UPLOAD_TYPES,
        key=UPLOAD_KEY,
        help="Columns time, open, high, low, close and optionally volume. A .zip holds one CSV. "
        f"Up to {settings.upload_max_mb:g} MB (UPLOAD_MAX_MB).",
        on_change=_on_upload_change,
        args=(default_source(settings),),
        max_upload_size=math.ceil(settings.upload_max_mb),
    )


def choose_timeframe(
    dataset: str, native: str | None, settings: Settings, *, upload: bool = False
) -> str:
    """Timeframes not finer than the data's own, then Auto (coarser bars, only when asked for:
    the finest timeframe that shows the whole history in one chart).

    A timeframe the user picked follows them to another symbol when it is allowed there (as on
    TradingView); a default does not: other data opens at its own default, its own timeframe for
    an upload, else DEFAULT_TIMEFRAME when allowed. (A daily file's default 1d carried over drew
    an hourly file as 5 candles.)"""
    options = [*timeframes_not_finer_than(native), AUTO]
    state = st.session_state
    chosen = state.get(TIMEFRAME_KEY)
    same_data = state.get(TIMEFRAME_DATASET_KEY) == dataset
    picked_elsewhere = state.get(TIMEFRAME_PICKED_KEY, False) and not upload
    if chosen not in options or not (same_data or picked_elsewhere):
        preferred = native if upload else settings.default_timeframe
        state[TIMEFRAME_KEY] = preferred if preferred in options else options[0]
        state[TIMEFRAME_PICKED_KEY] = False
    state[TIMEFRAME_DATASET_KEY] = dataset
    return st.selectbox(
        "Timeframe",
        options,
        key=TIMEFRAME_KEY,
        on_change=_mark_picked,
        format_func=_timeframe_label,
        help="The chart draws bars of this timeframe; page back with Older / Newer. "
        "Auto draws the whole history at the finest timeframe that fits one chart.",
    )


def _timeframe_label(option: str) -> str:
    return AUTO_LABEL if option == AUTO else option


def _mark_picked() -> None:
    st.session_state[TIMEFRAME_PICKED_KEY] = True


def choose_emas(settings: Settings) -> list[int]:
    st.caption("EMAs")
    columns = st.columns(2)
    chosen = []
    for index, period in enumerate(settings.ema_periods):
        with columns[index % 2]:
            if st.checkbox(f"EMA {period}", value=True, key=ema_key(period)):
                chosen.append(period)
    return chosen


def choose_engine() -> str:
    return st.radio(
        "Chart engine",
        list(ENGINE_LABELS),
        format_func=ENGINE_LABELS.__getitem__,
        key=ENGINE_KEY,
        horizontal=True,
    )


LEVELS_KEY = "levels"
SPIKES_KEY = "spikes"


def choose_overlays() -> Overlays:
    """The analysis toggles (issue #13): support/resistance lines and volume-spike markers."""
    st.caption("Analysis")
    # One toggle a row: side by side, the sidebar cut "Volume spikes" to "Volu...".
    return Overlays(
        levels=st.toggle(
            "Levels", key=LEVELS_KEY, help="Support and resistance lines with their touch count."
        ),
        spikes=st.toggle(
            "Volume spikes",
            key=SPIKES_KEY,
            help="Bars whose volume is over the mean + 4 standard deviations of the 25 before.",
        ),
    )
