"""Which plotly.js the Plotly engine's pages load, the Dash page and the Streamlit Plotly
component alike: the finance partial bundle (candlestick, bar, scatter...; 1.3 MB), vendored
from the npm registry into ``app/charts/vendor/plotly`` with its licence and checksums
(``make vendor-js``), instead of plotly.py's full 4.8 MB build, whose evaluation alone took
2.5-6 s on the loaded machine. Pinned to plotly.py's own plotly.js minor version (4.1.x; no
4.1.1 finance build was published). Kept here, below both front ends, so neither reads the
other's files."""

from __future__ import annotations

from pathlib import Path

PACKAGE = "plotly.js-finance-dist-min"
VERSION = "4.1.0"
FOLDER = Path(__file__).resolve().parent / "vendor" / "plotly"
BUILD = "plotly-finance.min.js"
JS = FOLDER / BUILD
