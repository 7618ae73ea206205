"""The one place the dashboard turns an exception into what a user sees."""

from __future__ import annotations

import logging

import streamlit as st

from app.core import SuperChartError
from app.streamlit_app.literal_text import literal

log = logging.getLogger(__name__)

UNEXPECTED_MESSAGE = (
    "Something went wrong while drawing this chart. The details are in the server log; "
    "the other data sources keep working."
)


def show_error(exc: Exception) -> None:
    """Our errors carry a message meant for users; anything else is a bug, logged, never shown."""
    if isinstance(exc, SuperChartError):
        st.error(literal(exc), icon=":material/error:")
    else:
        log.exception("unexpected error in the Streamlit dashboard", exc_info=exc)
        st.error(UNEXPECTED_MESSAGE, icon=":material/error:")
