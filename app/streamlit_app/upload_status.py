"""What the sidebar says about the uploaded file, right under the uploader: progress while it is
read, then its name, timeframe and bars while it is drawn, or why it cannot be (issue #11 §4).

Streamlit's uploader shows the transfer's own progress; reading and checking a large file takes
longer than sending it, so that step gets an ``st.status`` the first time a file is read. Later
reruns hit the cache and just name the file.
"""

from __future__ import annotations

import time

import streamlit as st

from app.core import SuperChartError
from app.streamlit_app.literal_text import literal
from app.streamlit_app.uploads import Upload, read_upload, upload_native_timeframe

_READ_KEY = "_uploads_read"  # digests this session has already seen read (or refused)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"


def read_with_status(upload: Upload, max_bytes: int) -> str:
    """The upload's native timeframe, shown in the sidebar; DataError (shown there too, inline
    under the uploader) if the file is not OHLCV we can read."""
    seen: set[str] = st.session_state.setdefault(_READ_KEY, set())
    name = literal(upload.filename)  # shown in Markdown labels only
    if upload.digest in seen:
        try:
            native, bars = _read(upload, max_bytes)
        except SuperChartError as exc:
            st.error(literal(exc), icon=":material/error:")
            raise
        _show_drawn(name, native, bars)
        return native
    seen.clear()  # one file at a time: the uploader holds one
    seen.add(upload.digest)
    started = time.perf_counter()
    problem: SuperChartError | None = None
    with st.status(f"Reading {name} ({_megabytes(len(upload.data))})…", expanded=True) as status:
        st.caption("Parsing the rows and checking every value…")
        try:
            native, bars = _read(upload, max_bytes)
        except SuperChartError as exc:
            problem = exc
            status.update(label=f"{name} cannot be drawn", state="error", expanded=False)
        else:
            seconds = time.perf_counter() - started
            status.update(label=f"Read {name} in {seconds:.1f} s", state="complete", expanded=False)
    if problem is not None:
        st.error(literal(problem), icon=":material/error:")
        raise problem
    _show_drawn(name, native, bars)
    return native


def _read(upload: Upload, max_bytes: int) -> tuple[str, int]:
    native = upload_native_timeframe(upload, max_bytes)
    return native, len(read_upload(upload, max_bytes))


def _show_drawn(name: str, native: str, bars: int) -> None:
    st.caption(f":material/draft: Drawing **{name}** ({bars:,} bars at {native})")
