"""Build the Dash app: offline assets, layout, callbacks and a /health route."""

from __future__ import annotations

from pathlib import Path

import dash_bootstrap_components as dbc  # noqa: F401 - registers the components' JS with Dash
from flask import jsonify

from app.config import get_settings
from app.dash_app.callbacks import register_callbacks
from app.dash_app.chart_callbacks import ChartOutputs, render_chart
from app.dash_app.chart_data import SOURCE_CONFIGURED
from app.dash_app.grid import register_grid_callbacks
from app.dash_app.layout import build_layout
from app.dash_app.page_scripts import LeanDash, serve_chart_scripts, serve_plotly
from app.dash_app.request_guard import guard_callback_requests
from app.dash_app.stylesheet import BOOTSTRAP_URL, THEME_URL, serve_stylesheets
from app.dash_app.uploads import UploadCache

ASSETS = Path(__file__).resolve().parent / "assets"

# Bootstrap's dark colour mode is switched on for the whole page.
INDEX_STRING = """<!DOCTYPE html>
<html lang="en" data-bs-theme="dark">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


def create_app() -> LeanDash:
    """Settings are read per request (``get_settings`` is cached), so tests can change them."""
    settings = get_settings()  # fail at start, with the variable's name, on bad settings
    app = LeanDash(
        __name__,
        title="Super Chart",
        update_title=None,
        assets_folder=str(ASSETS),
        external_stylesheets=[BOOTSTRAP_URL, THEME_URL],
        serve_locally=True,  # Dash's, Plotly's and the components' JS from the packages
        # plotly.js (4.7 MB) loads with the page's other scripts, not after the layout arrives:
        # the first chart no longer waits for it.
        eager_loading=True,
        index_string=INDEX_STRING,
    )
    server = app.server
    # The browser refuses files over the limit; this is the backstop (base64 adds a third).
    server.config["MAX_CONTENT_LENGTH"] = int(settings.upload_max_bytes * 4 / 3) + 2**20
    serve_stylesheets(server)
    serve_plotly(server)
    serve_chart_scripts(server)
    server.add_url_rule("/health", "health", lambda: jsonify(status="ok"))
    uploads = UploadCache()

    def first_chart(symbol: str | None, timeframe: str, emas: list[int]) -> ChartOutputs:
        return render_chart(
            SOURCE_CONFIGURED,
            symbol,
            timeframe,
            emas,
            None,
            uploads=uploads,
            settings=get_settings(),
        )

    app.layout = lambda: build_layout(get_settings(), first_chart)
    register_callbacks(app, uploads, get_settings)
    register_grid_callbacks(app, get_settings)
    guard_callback_requests(app)
    return app
