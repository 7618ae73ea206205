"""The page's stylesheets, served from our own routes so the page loads offline.

``dbc.themes.*`` are CDN links. The ``bootstrap-flask`` wheel ships Bootstrap 5.3's CSS file; we
only read that file (without importing the package) and serve it. Its dark colour mode
(``data-bs-theme="dark"`` on <html>) takes our colours from a small stylesheet generated from
``app/charts/theme.py``, so the charts and the page share one definition; ``assets/dash_theme.css``
only refers to the variables defined there.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, send_file

from app.charts import theme

BOOTSTRAP_URL = "/static-offline/bootstrap.min.css"
THEME_URL = "/static-offline/theme.css"


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


def theme_css() -> str:
    """Bootstrap's dark-mode variables set to the chart theme, plus ``--sc-*`` for our CSS."""
    variables = {
        "--bs-body-bg": theme.BACKGROUND,
        "--bs-body-color": theme.TEXT,
        "--bs-border-color": theme.BORDER,
        "--bs-secondary-bg": theme.PANEL,
        "--bs-tertiary-bg": theme.PANEL,
        "--bs-primary": theme.ACCENT,
        "--bs-primary-rgb": _rgb(theme.ACCENT),
        "--bs-link-color": theme.LINK,
        "--sc-panel": theme.PANEL,
        "--sc-border": theme.BORDER,
        "--sc-text": theme.TEXT,
        "--sc-muted": theme.MUTED_TEXT,
        "--sc-accent": theme.ACCENT,
        "--sc-up": theme.UP,
        "--sc-down": theme.DOWN,
        "--sc-font": theme.FONT_FAMILY,
    }
    lines = "".join(f"  {name}: {value};\n" for name, value in variables.items())
    return f'/* Generated from app/charts/theme.py. */\n[data-bs-theme="dark"] {{\n{lines}}}\n'


def _rgb(hex_colour: str) -> str:
    """``#2962ff`` -> ``41, 98, 255`` (Bootstrap's ``*-rgb`` variables)."""
    digits = hex_colour.lstrip("#")
    return ", ".join(str(int(digits[i : i + 2], 16)) for i in (0, 2, 4))


def serve_stylesheets(server: Flask) -> None:
    """Add the routes behind ``BOOTSTRAP_URL`` and ``THEME_URL`` (cached by browsers for a day;
    the theme changes only with a deploy)."""
    path = bootstrap_css_path()
    generated = theme_css()

    def bootstrap_css():
        return send_file(path, mimetype="text/css", max_age=86400)

    def theme_stylesheet():
        response = Response(generated, mimetype="text/css")
        response.cache_control.max_age = 86400
        return response

    server.add_url_rule(BOOTSTRAP_URL, "bootstrap_css", bootstrap_css)
    server.add_url_rule(THEME_URL, "theme_css", theme_stylesheet)
