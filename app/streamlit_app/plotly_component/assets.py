"""The directory Streamlit serves the Plotly component from: its own frontend files, the chart
component's Streamlit protocol module and the installed plotly package's plotly.min.js, byte for
byte, assembled on first use (:mod:`app.streamlit_app.component_folder`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import plotly

from app.streamlit_app.chart_component.assets import FRONTEND_DIR as LIGHTWEIGHT_FRONTEND
from app.streamlit_app.component_folder import Part, assembled_folder, part_files

FRONTEND_DIR = Path(__file__).resolve().parent / "frontend"
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
PARTS: tuple[Part, ...] = (
    (FRONTEND_DIR, "."),
    (LIGHTWEIGHT_FRONTEND / "component" / "streamlit_protocol.js", "streamlit_protocol.js"),
    (PLOTLY_JS, "vendor/plotly.min.js"),  # MIT; its licence is in the file's header
)
SERVED_SUFFIXES = {".html", ".js", ".css"}


def component_files() -> list[Part]:
    return part_files(PARTS, suffixes=SERVED_SUFFIXES)


@lru_cache(maxsize=1)
def component_dir(base: Path | None = None) -> Path:
    """The assembled folder (built once per set of sources)."""
    return assembled_folder("superchart-plotly", component_files(), base)
