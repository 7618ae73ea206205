""" "Older / Newer / Newest" over the chosen timeframe's bars, and where the window is.

The anchor belongs to one dataset and timeframe (the scope): other data, or another timeframe,
opens at its newest bars.
"""

from __future__ import annotations

import streamlit as st

from app.core import OhlcvView
from app.streamlit_app.summary import format_time
from app.streamlit_app.windowing import NEWEST, Anchor, newer_anchor, older_anchor, reaches_newest

ANCHOR_KEY = "window_anchor"
ANCHOR_SCOPE_KEY = "window_scope"
OLDER_KEY = "page_older"
NEWER_KEY = "page_newer"
NEWEST_KEY = "page_newest"


def current_anchor(scope: str) -> Anchor:
    """The window the user paged to for ``scope``; the newest bars for anything else."""
    state = st.session_state
    if state.get(ANCHOR_SCOPE_KEY) != scope or not isinstance(state.get(ANCHOR_KEY), Anchor):
        state[ANCHOR_SCOPE_KEY] = scope
        state[ANCHOR_KEY] = NEWEST
    return state[ANCHOR_KEY]


def go_newest() -> None:
    st.session_state[ANCHOR_KEY] = NEWEST


def _go(anchor: Anchor) -> None:
    st.session_state[ANCHOR_KEY] = anchor


def render_paging(view: OhlcvView, bars: int) -> None:
    """Which bars are drawn, and buttons to the neighbouring windows (hidden when one window
    holds the whole history)."""
    first = view.first_index + 1
    last = view.first_index + len(view.frame)
    at_newest = reaches_newest(view)
    times, tf = view.frame["time"], view.timeframe.name
    where = (
        f"Bars {first:,}–{last:,} of {view.total_bars:,} at {view.timeframe.name} "
        f"({format_time(times.iloc[0], tf)} → {format_time(times.iloc[-1], tf)} UTC)"
    )
    if view.total_bars <= len(view.frame):
        st.caption(f"All {view.total_bars:,} {view.timeframe.name} bars.")
        return
    st.caption(where)  # a row of its own, the buttons under it: narrow columns cut "Newest"
    older, newer, newest = st.columns(3, vertical_alignment="center")
    older.button(
        "Older",
        key=OLDER_KEY,
        icon=":material/chevron_left:",
        disabled=not view.has_more_before,
        on_click=_go,
        args=(older_anchor(view, bars),),
        width="stretch",
    )
    newer.button(
        "Newer",
        key=NEWER_KEY,
        icon=":material/chevron_right:",
        disabled=at_newest,
        on_click=_go,
        args=(newer_anchor(view, bars),),
        width="stretch",
    )
    newest.button(
        "Newest",
        key=NEWEST_KEY,
        icon=":material/last_page:",
        disabled=at_newest,
        on_click=go_newest,
        width="stretch",
    )
