"""The chart engines' JavaScript for the browser (``app/charts/js``), one copy for every front end
that draws their figures: the Dash page serves it from a route of its own, the Streamlit
component copies it into the folder it is served from. A rule the server applies too (the time
axis' labels: :func:`app.charts.plotly_time.time_ticks`) is thus written twice, in Python and in
JavaScript, never once per front end."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

JS_DIR = Path(__file__).resolve().parent / "js"
# Sets globalThis.superChartTimeTicks: the Plotly time axis' labels for the bars in view.
TIME_TICKS_JS = JS_DIR / "time_ticks.js"


@lru_cache(maxsize=8)
def content_tag(path: Path) -> str:
    """A short digest of the file, for URLs a browser may cache for good."""
    return hashlib.blake2b(path.read_bytes(), digest_size=6).hexdigest()
