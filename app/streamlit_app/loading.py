"""Cached loads: the dashboard reruns on every click, so each expensive step is cached.

Keys are small and explicit: the source, symbol, timeframe and EMA periods, a fingerprint of the
settings (tests change them in one process) and a data version; uploads are keyed on the SHA-256
of their bytes, which are passed unhashed (``_data``). Cached values are small: the bars the
chart draws (at most the engine's ``max_bars``) and a summary. Whole histories are only rebuilt
for a download, when the user clicks it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import PurePath

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from app.config import Settings
from app.core import (
    DataError,
    OhlcvView,
    SymbolInfo,
    build_view,
    detect_timeframe,
    get_data_source,
    get_ohlcv,
    list_symbols,
    read_ohlcv_bytes,
)
from app.core.analysis import WARMUP_BARS, Analysis, analyse
from app.core.indicators import IndicatorSpec
from app.streamlit_app.summary import Summary, frame_to_csv, summarize
from app.streamlit_app.windowing import (
    AUTO,
    NEWEST,
    Anchor,
    Fetch,
    load_window,
    reaches_newest,
    resolve_auto,
)

SOURCE_FILES = "csv"
SOURCE_API = "api"
_DIGESTS_KEY = "_upload_digests"


@dataclass(frozen=True)
class ChartData:
    key: str  # names this data among all loads (for caches of what is drawn from it)
    view: OhlcvView  # what the chart draws: a window of at most the engine's bars
    notice: str | None  # what Auto drew, when the timeframe is Auto
    data_notices: tuple[str, ...]  # what the loader fixed in the data (rows sorted, ...)
    summary: Summary  # the bars drawn among the whole history, and the newest close
    analysis: Analysis  # of the bars drawn: levels, volume spikes, signals, summary


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str
    digest: str

    @classmethod
    def of(cls, data: bytes, filename: str) -> Upload:
        return cls(data=data, filename=filename, digest=hashlib.sha256(data).hexdigest())

    @classmethod
    def of_uploaded(cls, uploaded: UploadedFile) -> Upload:
        """Hashes each uploaded file once per session (a 50 MB file takes ~0.1 s to hash)."""
        digests = st.session_state.setdefault(_DIGESTS_KEY, {})
        data = uploaded.getvalue()
        if uploaded.file_id not in digests:
            digests.clear()
            digests[uploaded.file_id] = hashlib.sha256(data).hexdigest()
        return cls(data=data, filename=uploaded.name, digest=digests[uploaded.file_id])

    @property
    def symbol(self) -> str:
        return PurePath(self.filename).stem or "upload"


# (id of the base settings, source) -> (base, derived); holding the base keeps its id unique.
_DERIVED_SETTINGS: dict[tuple[int, str], tuple[Settings, Settings]] = {}


def settings_for_source(settings: Settings, source: str) -> Settings:
    """The settings with DATA_SOURCE switched to ``source``, one object per (settings, source)
    so that the core's per-settings caches keep working across reruns."""
    if settings.data_source == source:
        return settings
    key = (id(settings), source)
    if key not in _DERIVED_SETTINGS:
        if len(_DERIVED_SETTINGS) > 16:  # settings are re-read only in tests
            _DERIVED_SETTINGS.clear()
        derived = settings.model_copy(update={"data_source": source})
        _DERIVED_SETTINGS[key] = (settings, derived)
    return _DERIVED_SETTINGS[key][1]


def settings_fingerprint(settings: Settings) -> str:
    """Part of every cache key; SecretStr fields dump masked, so no key is ever in it."""
    return settings.model_dump_json()


def freshness_bucket(settings: Settings) -> int:
    """Changes every CACHE_TTL seconds, so listings and API data are refetched that often."""
    return int(time.time() // max(settings.cache_ttl, 1.0))


def symbol_version(info: SymbolInfo) -> str:
    return f"{info.bars}|{info.start}|{info.end}"


def file_version(settings: Settings, symbol: str) -> str:
    """Which data a file holds now: the file source re-reads a file that changed (one stat when
    it did not), so a live redraw picks up appended bars without waiting for the listing."""
    frame = get_data_source(settings).load(symbol)
    newest = frame["time"].iloc[-1].value if len(frame) else None
    return f"{id(frame)}|{len(frame)}|{newest}"


# --- symbols from DATA_DIR or the REST API -------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def _cached_symbols(source: str, fingerprint: str, bucket: int, _settings: Settings):
    return list_symbols(_settings)


def load_symbols(settings: Settings, source: str) -> list[SymbolInfo]:
    source_settings = settings_for_source(settings, source)
    return _cached_symbols(
        source, settings_fingerprint(source_settings), freshness_bucket(settings), source_settings
    )


@st.cache_data(show_spinner="Loading…", max_entries=64)
def _cached_symbol_chart(
    source: str,
    symbol: str,
    timeframe: str,
    emas: tuple[int, ...],
    indicators: tuple[str, ...],
    bars: int,
    anchor: Anchor,
    fingerprint: str,
    version: str,
    _settings: Settings,
) -> ChartData:
    fetch = partial(get_ohlcv, symbol, emas=emas, indicators=indicators, settings=_settings)
    key = f"{source}|{symbol}|{emas}|{indicators}|{version}|{fingerprint}"
    return _chart_data(fetch, timeframe, anchor, bars, key=key)


def load_symbol_chart(
    settings: Settings,
    source: str,
    info: SymbolInfo,
    timeframe: str,
    emas: Sequence[int],
    bars: int,
    anchor: Anchor = NEWEST,
    indicators: Sequence[IndicatorSpec] = (),
) -> ChartData:
    """``bars`` bars of ``timeframe`` (or :data:`AUTO`) at ``anchor`` with the EMAs and
    indicators computed over the whole history, cached."""
    source_settings = settings_for_source(settings, source)
    if source == SOURCE_API:
        version = f"{symbol_version(info)}|{freshness_bucket(settings)}"
    else:
        version = file_version(source_settings, info.symbol)
    return _cached_symbol_chart(
        source,
        info.symbol,
        timeframe,
        tuple(emas),
        tuple(spec.token for spec in indicators),
        bars,
        anchor,
        settings_fingerprint(source_settings),
        version,
        source_settings,
    )


def symbol_csv(
    settings: Settings,
    source: str,
    symbol: str,
    timeframe: str,
    emas: Sequence[int],
    indicators: Sequence[IndicatorSpec] = (),
) -> bytes:
    """The whole history with its EMAs and indicators, built when the user clicks the download
    button."""
    full = get_ohlcv(
        symbol,
        timeframe=timeframe,
        emas=emas,
        indicators=tuple(indicators),
        settings=settings_for_source(settings, source),
    )
    return frame_to_csv(full.frame, emas, indicators)


# --- uploaded files -------------------------------------------------------------------------


@st.cache_resource(show_spinner="Reading the file…", max_entries=2)
def _cached_upload_frame(
    digest: str, filename: str, max_bytes: int, _data: bytes
) -> pd.DataFrame | str:
    """The canonical frame, or the core's message for a bad file (cached too, so a rerun does
    not parse a large bad file again). A resource, not data: the same frame object on every
    rerun (canonical frames are read-only), so the core's cache of its resampled history and
    indicators holds while the user pages through it."""
    try:
        return read_ohlcv_bytes(_data, filename, max_bytes=max_bytes)
    except DataError as exc:
        return str(exc)


def read_upload(upload: Upload, max_bytes: int) -> pd.DataFrame:
    """The upload as a canonical frame; DataError with the core's message if it is not one."""
    outcome = _cached_upload_frame(upload.digest, upload.filename, max_bytes, upload.data)
    if isinstance(outcome, str):
        raise DataError(outcome)
    return outcome


@st.cache_data(show_spinner=False, max_entries=16)
def _cached_upload_timeframe(digest: str, filename: str, max_bytes: int, _data: bytes) -> str:
    frame = read_upload(Upload(_data, filename, digest), max_bytes)
    return detect_timeframe(frame).name


def upload_native_timeframe(upload: Upload, max_bytes: int) -> str:
    """The upload's native timeframe; DataError if the file is not valid OHLCV."""
    return _cached_upload_timeframe(upload.digest, upload.filename, max_bytes, upload.data)


@st.cache_data(show_spinner="Loading…", max_entries=32)
def _cached_upload_chart(
    digest: str,
    filename: str,
    max_bytes: int,
    timeframe: str,
    emas: tuple[int, ...],
    indicators: tuple[str, ...],
    bars: int,
    anchor: Anchor,
    _data: bytes,
) -> ChartData:
    upload = Upload(_data, filename, digest)
    frame = read_upload(upload, max_bytes)
    fetch = partial(build_view, frame, symbol=upload.symbol, emas=emas, indicators=indicators)
    key = f"upload|{digest}|{max_bytes}|{emas}|{indicators}"
    return _chart_data(fetch, timeframe, anchor, bars, key=key)


def load_upload_chart(
    upload: Upload,
    max_bytes: int,
    timeframe: str,
    emas: Sequence[int],
    bars: int,
    anchor: Anchor = NEWEST,
    indicators: Sequence[IndicatorSpec] = (),
) -> ChartData:
    return _cached_upload_chart(
        upload.digest,
        upload.filename,
        max_bytes,
        timeframe,
        tuple(emas),
        tuple(spec.token for spec in indicators),
        bars,
        anchor,
        upload.data,
    )


def upload_csv(
    upload: Upload,
    max_bytes: int,
    timeframe: str,
    emas: Sequence[int],
    indicators: Sequence[IndicatorSpec] = (),
) -> bytes:
    frame = read_upload(upload, max_bytes)
    full = build_view(
        frame, symbol=upload.symbol, timeframe=timeframe, emas=emas, indicators=tuple(indicators)
    )
    return frame_to_csv(full.frame, emas, indicators)


# --- shared ---------------------------------------------------------------------------------


def _chart_data(fetch: Fetch, timeframe: str, anchor: Anchor, bars: int, *, key: str) -> ChartData:
    """The window to draw at the chosen timeframe (Auto resolved and said), and the summary."""
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
        analysis=analyse_window(fetch, view),
    )


def analyse_window(fetch: Fetch, view: OhlcvView) -> Analysis:
    """The core's analysis of the bars drawn (levels, spikes, signals, summary), with the bars
    before them as warm-up, so that the lines drawn and the panel agree with the chart."""
    # The newest window needs no end (for the REST API source: no second request).
    end = None if reaches_newest(view) else view.frame["time"].iloc[-1]
    warm = fetch(timeframe=view.timeframe.name, end=end, limit=len(view.frame) + WARMUP_BARS)
    return analyse(
        warm.frame, symbol=view.symbol, timeframe=view.timeframe.name, lookback=len(view.frame)
    )
