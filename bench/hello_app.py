"""The web floors, served by the same uvicorn setup as our app.

``/hello`` is FastAPI's hello-world route. ``/floor/plotly`` draws the same bars with plotly.js
alone (the Dash cases' floor). ``/floor/chart`` is a bare HTML page that draws the
bars of ``BENCH_FLOOR_BARS`` (a JSON file of Lightweight Charts bars, made by the bench) with the
same Lightweight Charts script our page uses: no volume, no EMAs, no settings, only the candles.
Nothing heavier than FastAPI is imported, so the process's memory is a floor too.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response

PAGE = (Path(__file__).with_name("floor_chart.html")).read_text()
PLOTLY_PAGE = (Path(__file__).with_name("floor_plotly.html")).read_text()
# The vendored build the page serves (not imported through app, which would pull pandas in).
SCRIPT = (
    Path(__file__).resolve().parent.parent
    / "app/web/static/vendor/lightweight-charts/lightweight-charts.standalone.production.js"
)

# The plotly.js the Dash app serves (plotly.py's copy), found without importing plotly.
PLOTLY_SCRIPT = Path(importlib.util.find_spec("plotly").origin).with_name("package_data")
PLOTLY_SCRIPT /= "plotly.min.js"

app = FastAPI()


def _bars_json() -> bytes:
    path = os.environ.get("BENCH_FLOOR_BARS")
    return Path(path).read_bytes() if path else b"[]"


BARS = _bars_json()


@app.get("/health")
def read_health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/hello")
async def read_hello() -> dict[str, str]:  # FastAPI's own hello-world is an async route
    return {"message": "Hello World"}


@app.get("/floor/chart")
def read_floor_chart() -> HTMLResponse:
    return HTMLResponse(PAGE)


@app.get("/floor/lightweight-charts.js")
def read_floor_script() -> FileResponse:
    return FileResponse(SCRIPT, media_type="text/javascript")


@app.get("/floor/bars.json")
def read_floor_bars() -> Response:
    return Response(BARS, media_type="application/json")


@app.get("/floor/plotly")
def read_floor_plotly() -> HTMLResponse:
    return HTMLResponse(PLOTLY_PAGE)


@app.get("/floor/plotly.js")
def read_floor_plotly_script() -> FileResponse:
    return FileResponse(PLOTLY_SCRIPT, media_type="text/javascript")
