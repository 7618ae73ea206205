"""Bootstrap's stylesheet served from an installed package, so the page loads offline.

``dbc.themes.*`` are CDN links. The ``bootstrap-flask`` wheel ships Bootstrap 5.3's CSS file; we
only read that file (without importing the package) and serve it from our own route. Its dark
colour mode (``data-bs-theme="dark"`` on <html>) plus ``assets/dash_theme.css`` give the
TradingView look.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from flask import Flask, send_file

BOOTSTRAP_URL = "/static-offline/bootstrap.min.css"


@lru_cache(maxsize=1)
def bootstrap_css_path() -> Path:
    spec = importlib.util.find_spec("flask_bootstrap")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("bootstrap-flask is not installed (it ships Bootstrap's CSS)")
    package = Path(next(iter(spec.submodule_search_locations)))
    path = package / "static" / "bootstrap5" / "css" / "bootstrap.min.css"
    if not path.is_file():
        raise RuntimeError(f"{path} is missing from the bootstrap-flask package")
    return path


def serve_bootstrap_css(server: Flask) -> None:
    """Add the route behind ``BOOTSTRAP_URL`` (cached by browsers for a day)."""
    path = bootstrap_css_path()

    def bootstrap_css():
        return send_file(path, mimetype="text/css", max_age=86400)

    server.add_url_rule(BOOTSTRAP_URL, "bootstrap_css", bootstrap_css)
