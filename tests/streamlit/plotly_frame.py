"""The Plotly engine's component in a real browser: its iframe (same origin, so a script on the
page reaches its document) and the plot in it."""

from __future__ import annotations

from app.streamlit_app.plotly_component import COMPONENT_NAME

IFRAME = f"iframe[title$='.{COMPONENT_NAME}']"
# A JavaScript expression: the plot element (``gd``) inside the component's iframe, or null.
PLOT = (
    f'((document.querySelector("{IFRAME}") || {{}}).contentDocument'
    " || {querySelector: () => null}).querySelector('.js-plotly-plot')"
)


def plot_offset(page) -> tuple[float, float]:
    """Where the iframe's top left corner is on the page (plot coordinates are the frame's)."""
    box = page.locator(IFRAME).bounding_box()
    assert box is not None
    return box["x"], box["y"]
