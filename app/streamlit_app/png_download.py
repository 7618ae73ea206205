"""The PNG download (issue #15): the chart as shown (the bars drawn, the visible EMAs, the
indicator panes and the analysis overlays), drawn by the Plotly engine and exported by the
process's warm Chromium (``render_chart_image``, Kaleido). The browser is started in the
background the first time the button is drawn, so the first click does not pay its start-up."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial

import streamlit as st

from app.charts.images import render_chart_image
from app.config import get_settings
from app.core import SuperChartError
from app.core.analysis import Analysis
from app.core.service import OhlcvView
from app.images import INSTALL_HINT, find_browser, start_renderer
from app.streamlit_app.overlays import Overlays, as_shown

log = logging.getLogger(__name__)

IMAGE_WIDTH = 1400
IMAGE_HEIGHT = 700
PANE_HEIGHT = 160  # each indicator pane under the price adds this much to the picture


@st.cache_resource(show_spinner=False)
def _warm_renderer() -> bool:
    """Start the process's Chromium once, in the background; False when it cannot start."""
    try:
        start_renderer()
    except SuperChartError as exc:
        log.warning("chart images unavailable: %s", exc)
        return False
    return True


def chart_png(
    view: OhlcvView,
    *,
    title: str,
    offered_emas: Sequence[int],
    visible_emas: Sequence[int],
    analysis: Analysis,
    overlays: Overlays,
) -> bytes:
    """The PNG of the chart as shown; ImageUnavailableError when it cannot be drawn now."""
    panes = sum(1 for spec in view.indicators if spec.pane == "own")
    return render_chart_image(
        view,
        fmt="png",
        width=IMAGE_WIDTH,
        height=IMAGE_HEIGHT + PANE_HEIGHT * panes,
        title=title,
        offered_emas=offered_emas,
        decorate=as_shown(offered_emas, visible_emas, analysis, overlays),
    )


def render_png_download(
    view: OhlcvView,
    *,
    stem: str,
    title: str,
    offered_emas: Sequence[int],
    visible_emas: Sequence[int],
    analysis: Analysis,
    overlays: Overlays,
) -> None:
    if find_browser(get_settings().chromium_path) is None:
        st.download_button(
            "Download PNG", data=b"", disabled=True, icon=":material/image:", key="png"
        )
        st.caption(INSTALL_HINT)
        return
    _warm_renderer()
    st.download_button(
        "Download PNG",
        data=partial(
            chart_png,
            view,
            title=title,
            offered_emas=tuple(offered_emas),
            visible_emas=tuple(visible_emas),
            analysis=analysis,
            overlays=overlays,
        ),
        file_name=f"{stem}.png",
        mime="image/png",
        on_click="ignore",
        icon=":material/image:",
        key="png",
    )
