"""The web floors, served by the same uvicorn setup as our app.

``/hello`` is FastAPI's hello-world route. ``/floor/chart`` is a bare HTML page that draws the
bars of ``BENCH_FLOOR_BARS`` (a Parquet file) with the same Lightweight Charts script our page uses:
no volume, no EMAs, no settings, nothing but the candles.
"""

from __future__ import annotations

import os
from pathlib import Path

import lightweight_charts
import orjson
import pandas as pd
from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response

PAGE = (Path(__file__).with_name("floor_chart.html")).read_text()
SCRIPT = Path(lightweight_charts.__file__).parent / "js" / "lightweight-charts.js"

app = FastAPI()


def _bars_json() -> bytes:
    path = os.environ.get("BENCH_FLOOR_BARS")
    if not path:
        return b"[]"
    frame = pd.read_parquet(path, columns=["time", "open", "high", "low", "close"])
    times = frame["time"].to_numpy().astype("datetime64[s]").astype("int64")
    bars = [
        {"time": int(t), "open": o, "high": h, "low": lo, "close": c}
        for t, o, h, lo, c in zip(
            times, frame["open"], frame["high"], frame["low"], frame["close"], strict=True
        )
    ]
    return orjson.dumps(bars)


BARS = _bars_json()


@app.get("/health")
def read_health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/hello")
def read_hello() -> dict[str, str]:
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
