"""The Lightweight Charts engine of the dashboard: a Streamlit component whose frontend runs the
chart page's own ES modules (legend, panes, studies, colours, formats) on the data handed to it.

Streamlit serves the component's folder itself (:mod:`.assets`), so the dashboard needs no
FastAPI server. The frontend keeps one chart for the life of the component and updates its
series in place when new data arrives, so a live bar keeps the user's zoom.
"""

from __future__ import annotations

from typing import Any

import streamlit.components.v1 as components

from app.streamlit_app.chart_component.assets import component_dir

COMPONENT_NAME = "lightweight_chart"
_component = components.declare_component(COMPONENT_NAME, path=str(component_dir()))


def lightweight_component(*, payload: str, state: dict[str, Any], height: int, key: str) -> None:
    """One chart: ``payload`` is the page's data (``chart_payload`` as JSON text, parsed once in
    the browser), ``state`` what the page's script starts from (look, catalog, EMAs shown,
    indicators, analysis overlays)."""
    _component(payload=payload, state=state, height=height, key=key, default=None)
