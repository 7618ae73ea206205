"""The Dash page's scripts: plotly.js's vendored finance bundle in place of the full build (pinned,
licensed, checksummed, at plotly.py's minor version), and no tag of a component the app does not
use."""

from __future__ import annotations

import re

import plotly
import pytest

from app.charts import plotly_bundle
from app.charts.browser_js import TIME_TICKS_JS, content_tag
from app.dash_app import create_app
from app.dash_app.page_scripts import lean_scripts
from scripts.vendor_js import PLOTLY_FINANCE, check


@pytest.fixture
def client(data_dir):
    return create_app().server.test_client()


def scripts_of(client) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', client.get("/").get_data(as_text=True))


def test_the_page_loads_the_vendored_finance_bundle_and_no_full_plotly(client):
    scripts = scripts_of(client)
    bundles = [src for src in scripts if "plotly" in src]
    assert len(bundles) == 1 and "plotly-finance" in bundles[0]
    response = client.get(bundles[0])
    assert response.status_code == 200
    assert response.get_data() == (plotly_bundle.FOLDER / plotly_bundle.BUILD).read_bytes()
    assert "max-age=31536000" in response.headers["Cache-Control"]
    # dcc.Graph, Dropdown and Upload keep their chunks; MathJax, Markdown, DataTable are gone
    for used in ("async-graph", "async-dropdown", "async-upload", "dash_core_components."):
        assert any(used in src for src in scripts), used
    for unused in ("mathjax", "markdown", "datepicker", "slider", "dash_table"):
        assert not any(unused in src for src in scripts), unused


def test_the_bundle_is_pinned_checksummed_licensed_and_matches_plotly_py():
    assert check(PLOTLY_FINANCE.folder) == []
    version = (PLOTLY_FINANCE.folder / "VERSION").read_text().strip()
    assert version == f"{plotly_bundle.PACKAGE}@{plotly_bundle.VERSION}"
    assert "MIT" in (PLOTLY_FINANCE.folder / "LICENSE").read_text()
    head = (plotly_bundle.FOLDER / plotly_bundle.BUILD).read_text()[:200]
    assert f"plotly.js (finance - minified) v{plotly_bundle.VERSION}" in head
    ours = plotly_bundle.VERSION.split(".")[:2]
    assert plotly.offline.get_plotlyjs_version().split(".")[:2] == ours


def test_only_unused_tags_are_dropped():
    tags = (
        '<script src="/_dash-component-suites/dash/dcc/async-mathjax.v4_4_1m1.js"></script>\n'
        '<script src="/_dash-component-suites/dash/dcc/async-graph.v4_4_1m1.js"></script>\n'
        '<script src="/_dash-component-suites/plotly/package_data/plotly.v7m1.min.js"></script>\n'
        '<script src="/assets/ema_toggle.js?m=1"></script>\n'
        '<script src="/_dash-component-suites/plotly/package_data/plotly.v7m1.min.js"></script>\n'
    )
    assert lean_scripts(tags, "/_vendor/p.js") == (
        '<script src="/_dash-component-suites/dash/dcc/async-graph.v4_4_1m1.js"></script>\n'
        '<script src="/_vendor/p.js"></script>\n'
        '<script src="/assets/ema_toggle.js?m=1"></script>\n'
    )


def test_the_page_loads_the_chart_engines_shared_time_ticks_script(client):
    src = next(src for src in scripts_of(client) if "time_ticks" in src)
    assert f"?v={content_tag(TIME_TICKS_JS)}" in src  # a new copy gets a new URL
    response = client.get(src)
    assert response.status_code == 200
    assert response.get_data() == TIME_TICKS_JS.read_bytes()  # app/charts/js, not a copy
    assert client.get("/_charts/js/plotly_time.py").status_code == 404
