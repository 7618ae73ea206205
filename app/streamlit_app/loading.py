"""Cached loads of symbols (files in DATA_DIR, the REST API): the dashboard reruns on every
click, so each expensive step is cached (uploads: ``uploads``).

Keys are small and explicit: the source, symbol, timeframe, EMA periods and indicators, the
window, a fingerprint of the settings (tests change them in one process) and a data version (a
file's current data, so a refresh picks up appended bars). Cached values are small: the bars the
chart draws (one window), a summary and the analysis. Whole histories are only rebuilt for a
download, when the user clicks it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import partial

import streamlit as st

from app.config import Settings
from app.core import (
    SymbolInfo,
    get_data_source,
    get_ohlcv,
)
from app.core.analysis import Analysis, analyse_up_to
from app.core.indicators import IndicatorSpec
from app.core.sources.configured import get_registry
from app.streamlit_app.chart_data import ChartData, chart_data
from app.streamlit_app.summary import frame_to_csv
from app.streamlit_app.windowing import (
    NEWEST,
    Anchor,
)

SOURCE_FILES = "csv"
SOURCE_API = "api"
# Sources in SOURCES besides files and the broker's API: their symbols are listed as the
# registry names them (BINANCE:BTCUSDT), which reaches them whatever DATA_SOURCE is.
REGISTRY_SOURCES = ("ccxt", "binance", "pyth", "udf")
SOURCE_LABELS = {
    "ccxt": "Exchanges (CCXT)",
    "binance": "Binance",
    "pyth": "Pyth Benchmarks",
    "udf": "UDF server",
}


# (id of the base settings, source) -> (base, derived); holding the base keeps its id unique.
_DERIVED_SETTINGS: dict[tuple[int, str], tuple[Settings, Settings]] = {}


def settings_for_source(settings: Settings, source: str) -> Settings:
    """The settings with DATA_SOURCE switched to ``source``, one object per (settings, source)
    so that the core's per-settings caches keep working across reruns. (Other sources are
    reached by their symbols' prefixes, with the settings as they are.)"""
    if settings.data_source == source or source in REGISTRY_SOURCES:
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
    registry = get_registry(_settings)
    name = source if source in REGISTRY_SOURCES else registry.default
    return registry.list_symbols((name,)).symbols


def load_symbols(settings: Settings, source: str) -> list[SymbolInfo]:
    """The symbols of one source, named as they reach it (prefixed unless DATA_SOURCE's)."""
    source_settings = settings_for_source(settings, source)
    return _cached_symbols(
        source, settings_fingerprint(source_settings), freshness_bucket(settings), source_settings
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_symbol_analysis(
    source: str,
    symbol: str,
    timeframe: str,
    end: object,
    fingerprint: str,
    version: str,
    _settings: Settings,
) -> Analysis:
    """The analysis of a window, keyed without the EMAs and indicators (it reads neither): an
    indicator added or an EMA toggled does not analyse the bars again."""
    fetch = partial(get_ohlcv, symbol, settings=_settings)
    return analyse_up_to(fetch, timeframe, end)


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
    analyse = partial(_cached_symbol_analysis, source, symbol, fingerprint=fingerprint,
                      version=version, _settings=_settings)  # fmt: skip
    return chart_data(fetch, timeframe, anchor, bars, key=key, analyse=analyse)


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
    if source == SOURCE_API or source in REGISTRY_SOURCES:
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
