"""Uploaded files: hashed once per session, parsed once (a cached resource: the same frame object
on every rerun, so the core's prepared-history cache holds while paging), drawn like a symbol."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import PurePath

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from app.core import (
    DataError,
    build_view,
    detect_timeframe,
    read_ohlcv_bytes,
)
from app.core.indicators import IndicatorSpec
from app.streamlit_app.chart_data import ChartData, chart_data
from app.streamlit_app.summary import frame_to_csv
from app.streamlit_app.windowing import (
    NEWEST,
    Anchor,
)

_DIGESTS_KEY = "_upload_digests"


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
    return chart_data(fetch, timeframe, anchor, bars, key=key)


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
