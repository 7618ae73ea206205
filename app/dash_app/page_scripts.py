"""The page's script tags: only the bundles this app's components use, and plotly.js's finance
bundle in place of the full build.

With ``eager_loading`` Dash puts every component chunk it knows in the page, used or not: the
MathJax (2 MB), Markdown, code-highlight, date-picker and slider chunks of dcc, and all of
dash_table (~1 MB). The app draws no such component, so their tags are left out; should one ever
be used, its chunk still loads on demand (dcc's and dash_table's lazy loaders fetch a chunk not
yet in the page), so leaving a tag out can slow a component, never break it.

plotly.js is the page's heaviest script: evaluating the full 4.8 MB build took 2.5-6 s on the
loaded machine, before the layout could even be asked for. The chart draws candlesticks, bars
and lines only, all in plotly.js's finance bundle (:mod:`app.charts.plotly_bundle`). dcc.Graph
uses ``window.Plotly`` when the page has one, so the bundle simply takes the full build's place.

The page also loads the chart engines' shared scripts (:mod:`app.charts.browser_js`: the time
axis' labels for the bars in view, which the chart's browser callbacks call).
"""

from __future__ import annotations

import re

from dash import Dash
from flask import Flask, abort, send_from_directory

from app.charts import browser_js, plotly_bundle

# Script paths (under _dash-component-suites/) of bundles no component of this app uses.
UNUSED_SCRIPTS = re.compile(
    r"/dash/dcc/async-(?:datepicker|highlight|markdown|mathjax|slider)\.v"
    r"|/dash/dash_table/(?:async-[a-z]+|bundle)\.v"
)
FULL_PLOTLY = re.compile(r"/plotly/package_data/plotly\.v[^\"/]*\.min\.js$")
SCRIPT_TAG = re.compile(r"<script\b[^>]*\bsrc=\"([^\"]+)\"[^>]*></script>\n?")
# Versioned, so browsers may keep it for good.
PLOTLY_ROUTE = f"_vendor/plotly-finance-{plotly_bundle.VERSION}.min.js"
A_YEAR_S = 365 * 24 * 3600
# The chart engines' scripts, each URL with its content's digest (so cached for good too).
CHARTS_ROUTE = "_charts/js"
CHART_SCRIPTS = (browser_js.TIME_TICKS_JS,)


def lean_scripts(scripts: str, plotly_url: str) -> str:
    """``scripts`` (Dash's script tags) without those of :data:`UNUSED_SCRIPTS`, and with the
    finance bundle (at ``plotly_url``) in place of the full plotly.js build, each script once
    (every Dash app made in one process adds plotly.js's tag again: tests make several)."""
    seen: set[str] = set()

    def keep(tag: re.Match) -> str:
        src = tag.group(1)
        if UNUSED_SCRIPTS.search(src) or src in seen:
            return ""
        seen.add(src)
        if FULL_PLOTLY.search(src):
            return "" if plotly_url in seen else keep_plotly()
        return tag.group(0)

    def keep_plotly() -> str:
        seen.add(plotly_url)
        return f'<script src="{plotly_url}"></script>\n'

    return SCRIPT_TAG.sub(keep, scripts)


def serve_plotly(server: Flask) -> None:
    def plotly_build():
        return send_from_directory(plotly_bundle.FOLDER, plotly_bundle.BUILD, max_age=A_YEAR_S)

    server.add_url_rule(f"/{PLOTLY_ROUTE}", "plotly_finance", plotly_build)


def chart_script_tags(prefix: str) -> str:
    """The script tags of :data:`CHART_SCRIPTS`, under the app's path ``prefix``."""
    return "".join(
        f'<script src="{prefix}{CHARTS_ROUTE}/{path.name}?v={browser_js.content_tag(path)}">'
        "</script>\n"
        for path in CHART_SCRIPTS
    )


def serve_chart_scripts(server: Flask) -> None:
    names = {path.name for path in CHART_SCRIPTS}

    def chart_script(name: str):
        if name not in names:
            abort(404)
        return send_from_directory(browser_js.JS_DIR, name, max_age=A_YEAR_S)

    server.add_url_rule(f"/{CHARTS_ROUTE}/<name>", "chart_script", chart_script)


class LeanDash(Dash):
    """Dash serving the page with the lean script tags of :func:`lean_scripts`."""

    def interpolate_index(self, **kwargs):
        url = self.config.requests_pathname_prefix + PLOTLY_ROUTE
        scripts = lean_scripts(kwargs.get("scripts", ""), url)
        kwargs["scripts"] = scripts + chart_script_tags(self.config.requests_pathname_prefix)
        return super().interpolate_index(**kwargs)
