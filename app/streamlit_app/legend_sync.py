"""The Plotly chart's legend and the sidebar's EMA checkboxes as one control (issue #20).

A click on "EMA 10" in the chart's legend hides the line in the browser at once and hands the
app what the legend changed as the component's value ``{"id", "hidden", "shown"}`` (trace
names; a checkbox flipped meanwhile keeps its flip). Its callback writes that into the
checkboxes' session state (callbacks run before the script, so before the
checkboxes exist in this run: the one time Streamlit lets a widget's state be set). The chart
lives in a fragment, so the click reruns only the fragment; :func:`rerun_app_after_legend_click`
then reruns the whole app, and the sidebar, the downloads (the ticked EMAs) and the chart agree.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from app.charts.plotly_charts import ema_trace_name
from app.streamlit_app.sidebar import ema_key

COMPONENT_KEY = "plotly_chart"  # the Plotly component's key: its value is the legend's report
RERUN_KEY = "plotly_legend_rerun"  # a report was taken in a fragment run: rerun the app
MAX_ID_CHARS = 64
MAX_NAMES = 64
WARN_EVERY_S = 60.0

logger = logging.getLogger(__name__)
_dropped = {"count": 0, "warned_at": float("-inf")}
_dropped_lock = threading.Lock()


@dataclass(frozen=True)
class LegendReport:
    id: str
    hidden: frozenset[str]  # trace names the legend hid
    shown: frozenset[str]  # and those it showed again


def legend_report(value: Any) -> LegendReport | None:
    """The component's value, checked (it comes from the browser), or None when it is not a
    legend report."""
    if not isinstance(value, dict):
        return None
    report_id = value.get("id")
    if not isinstance(report_id, str) or not 0 < len(report_id) <= MAX_ID_CHARS:
        return None
    names = [_names(value.get(field)) for field in ("hidden", "shown")]
    if names[0] is None or names[1] is None:
        return None
    return LegendReport(report_id, *names)


def _names(value: Any) -> frozenset[str] | None:
    if not isinstance(value, list) or len(value) > MAX_NAMES:
        return None
    if not all(isinstance(name, str) and len(name) <= MAX_ID_CHARS for name in value):
        return None
    return frozenset(value)


def take_legend_report(offered_emas: Sequence[int]) -> None:
    """The component's ``on_change``: tick or untick the offered EMAs' checkboxes the legend
    changed, then ask for a whole-app rerun."""
    value = st.session_state.get(COMPONENT_KEY)
    report = legend_report(value)
    if report is None:
        if value is not None:
            _count_dropped()
        return
    for period in offered_emas:
        name = ema_trace_name(period)
        if name in report.hidden or name in report.shown:
            st.session_state[ema_key(period)] = name in report.shown
    st.session_state[RERUN_KEY] = True


def rerun_app_after_legend_click() -> None:
    """Rerun the whole app (the sidebar) when a legend report was just taken; call it before
    the chart is drawn (the fragment's arguments still hold the checkboxes' old state)."""
    if st.session_state.pop(RERUN_KEY, False):
        st.rerun(scope="app")


def _count_dropped() -> None:
    with _dropped_lock:
        _dropped["count"] += 1
        now = time.monotonic()
        if now - _dropped["warned_at"] < WARN_EVERY_S:
            return
        _dropped["warned_at"] = now
        count = _dropped["count"]
    logger.warning("Plotly legend: %d malformed component value(s) dropped so far", count)
