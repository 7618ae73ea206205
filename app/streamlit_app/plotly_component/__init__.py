"""The Plotly engine of the dashboard as a Streamlit component that keeps one plot for its life.

``st.plotly_chart`` hashes the figure into its element's id, so every new bar gives a new
element: the plot is remounted and the user's zoom and pan are lost on each live tick. This
component's iframe stays (its id is its key), and each render calls ``Plotly.react`` on the same
plot with the figure's ``uirevision``: what the user zoomed or panned is kept while the data
changes, and a view that showed the newest bar follows the new ones (as TradingView's does).
plotly.js is the installed plotly package's own build, served by Streamlit (:mod:`.assets`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit.components.v1 as components

from app.streamlit_app.plotly_component.assets import component_dir

COMPONENT_NAME = "plotly_live_chart"
_component = components.declare_component(COMPONENT_NAME, path=str(component_dir()))


def plotly_component(
    *,
    figure: str,
    config: dict[str, Any],
    height: int,
    last_position: int,
    key: str,
    toggled: Sequence[str] = (),
    hidden: Sequence[str] = (),
    on_legend: Callable[[], None] | None = None,
) -> None:
    """One plot: ``figure`` is the figure's JSON text (parsed once in the browser, drawn only
    when it changed), ``last_position`` the x of the newest bar (the view follows new bars when
    it showed that one).

    ``toggled`` names the lines the sidebar shows or hides (the EMAs, all in ``figure``),
    ``hidden`` those hidden now: a change of these alone restyles the plot, nothing is drawn
    again (frontend/visibility.js). A legend click on one of them sets the component's value,
    ``{"id", "hidden", "shown"}`` (read it with :mod:`app.streamlit_app.legend_sync`), and
    calls ``on_legend``."""
    _component(
        figure=figure,
        config=config,
        height=height,
        lastPosition=last_position,
        toggled=list(toggled),
        hidden=list(hidden),
        key=key,
        default=None,
        on_change=on_legend,
    )
