"""Streamlit dashboard: ``streamlit run app/main_streamlit.py`` from the repo root.

``streamlit run`` puts this file's folder (app/) on sys.path, not the repo root, so the root is
added first to make ``import app...`` work; everything else lives in app/streamlit_app/.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = str(Path(__file__).resolve().parent.parent)
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from app.streamlit_app.dashboard import render_dashboard  # noqa: E402

render_dashboard()
