"""The directory Streamlit serves the Plotly component from: its own frontend files, the chart
component's Streamlit protocol module, the chart engines' shared scripts (app/charts/js, also
loaded by the Dash page) and plotly.js's finance bundle with its licence, byte for byte,
assembled on first use (:mod:`app.streamlit_app.component_folder`).

The bundle (candlestick, bar, scatter...: everything ``app.charts`` draws; 1.3 MB) is the one the
Dash page loads (:mod:`app.charts.plotly_bundle`: vendored from npm with its checksums by
``make vendor-js`` into app/charts/vendor/plotly). plotly.py's full 4.8 MB build took seconds to
evaluate on a loaded machine, on every page load."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from app.charts import browser_js, plotly_bundle
from app.streamlit_app.chart_component.assets import FRONTEND_DIR as LIGHTWEIGHT_FRONTEND
from app.streamlit_app.component_folder import Part, assembled_folder, part_files

FRONTEND_DIR = Path(__file__).resolve().parent / "frontend"
PLOTLY_DIR = plotly_bundle.FOLDER
PLOTLY_JS = plotly_bundle.JS
PARTS: tuple[Part, ...] = (
    (FRONTEND_DIR, "."),
    (LIGHTWEIGHT_FRONTEND / "component" / "streamlit_protocol.js", "streamlit_protocol.js"),
    (PLOTLY_DIR, "vendor/plotly"),  # the build, its LICENSE, VERSION and SHA256SUMS
    (browser_js.JS_DIR, "charts"),  # the chart engines' shared scripts (the time axis' labels)
)
SERVED_SUFFIXES = {".html", ".js", ".css", ""}


def component_files() -> list[Part]:
    return part_files(PARTS, suffixes=SERVED_SUFFIXES)


@lru_cache(maxsize=1)
def component_dir(base: Path | None = None) -> Path:
    """The assembled folder (built once per set of sources)."""
    return assembled_folder("superchart-plotly", component_files(), base)
