"""Reading an AppTest run the way a user reads the page: the Plotly figure, its candles and EMA
lines, the error boxes."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from app.streamlit_app.plotly_component import COMPONENT_NAME as PLOTLY_COMPONENT

APP_SCRIPT = str(Path(__file__).resolve().parents[2] / "app" / "main_streamlit.py")


def run_app() -> AppTest:
    at = AppTest.from_file(APP_SCRIPT, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def plotly_charts(at: AppTest) -> list:
    """The Plotly engine's charts (the component app/streamlit_app/plotly_component)."""
    return [
        chart
        for chart in at.get("component_instance")
        if chart.proto.component_name.endswith(f".{PLOTLY_COMPONENT}")
    ]


def figure(at: AppTest) -> dict:
    """The figure as the browser draws it: the lines the component is told to hide
    (``hidden``, frontend/visibility.js) made ``visible: "legendonly"``."""
    charts = plotly_charts(at)
    assert len(charts) == 1, f"expected one Plotly chart, found {len(charts)}"
    args = json.loads(charts[0].proto.json_args)
    fig = json.loads(args["figure"])
    hidden = set(args.get("hidden", ()))
    for trace in fig["data"]:
        if trace.get("name") in hidden:
            trace["visible"] = "legendonly"
    return fig


def candles(fig: dict) -> dict:
    """The candlestick trace, its ``x`` (bar positions, sent as a typed array) as a list."""
    [trace] = [t for t in fig["data"] if t["type"] == "candlestick"]
    return {**trace, "x": typed_list(trace["x"])}


def typed_list(values) -> list:
    """A Plotly JSON array: a plain list, or a typed array ``{"dtype", "bdata"}``."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def candle_times(fig: dict) -> pd.Series:
    """The candles' UTC wall times, from the dates their hover shows."""
    dates = [text.removesuffix(" UTC") for text in candles(fig)["customdata"]]
    return pd.Series(pd.to_datetime(dates))


def shown_ema_names(fig: dict) -> set[str]:
    """EMA lines a user can see (a trace with visible=False or 'legendonly' is not drawn)."""
    return {
        t["name"]
        for t in fig["data"]
        if t["type"] in ("scatter", "scattergl")
        and "EMA" in t.get("name", "")
        and t.get("visible", True) is True
    }


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def lightweight_chart(at: AppTest) -> dict:
    """What the Lightweight Charts component was handed: ``payload`` (the page's data, one array
    per column), ``state`` (what the page's script reads) and ``height``."""
    assert not plotly_charts(at)
    [chart] = at.get("component_instance")
    assert chart.proto.component_name.endswith(".lightweight_chart")
    args = json.loads(chart.proto.json_args)
    return {**args, "payload": json.loads(args["payload"])}
