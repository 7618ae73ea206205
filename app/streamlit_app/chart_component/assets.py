"""The directory Streamlit serves the chart component from: its own frontend files plus the
chart page's ES modules, stylesheet and vendored Lightweight Charts build, byte for byte,
assembled on first use (:mod:`app.streamlit_app.component_folder` says why and how)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from app.streamlit_app.component_folder import Part, assembled_folder, part_files

APP_DIR = Path(__file__).resolve().parents[2]
FRONTEND_DIR = Path(__file__).resolve().parent / "frontend"
STATIC_DIR = APP_DIR / "web" / "static"
# (source, name in the served folder): the component's files at its root, the page's beside.
PARTS: tuple[Part, ...] = (
    (FRONTEND_DIR, "."),
    (STATIC_DIR / "js", "js"),
    (STATIC_DIR / "vendor" / "lightweight-charts", "vendor/lightweight-charts"),
    (STATIC_DIR / "chart.css", "chart.css"),
)
SERVED_SUFFIXES = {".html", ".js", ".css", ".txt", ""}  # LICENSE, VERSION, SHA256SUMS
SKIPPED_DIRS = {"workspace"}  # the workspace page's modules: the chart does not use them


def component_files() -> list[Part]:
    """Every file the component serves: (where it comes from, its path in the folder)."""
    return part_files(PARTS, suffixes=SERVED_SUFFIXES, skipped_dirs=SKIPPED_DIRS)


@lru_cache(maxsize=1)
def component_dir(base: Path | None = None) -> Path:
    """The assembled folder (built once per set of sources)."""
    return assembled_folder("superchart-lwc", component_files(), base)
