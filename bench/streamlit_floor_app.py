"""The Streamlit floor: a bare app drawing the same bars as ours with nothing of ours imported.

``streamlit run bench/streamlit_floor_app.py`` with ``BENCH_FLOOR_CSV`` (the CSV the dashboard
draws) and ``BENCH_FLOOR_BARS`` (how many of its newest bars, the dashboard's window). It has the
controls the Streamlit cases click, each as plain as Streamlit allows: an "EMA 10" checkbox (a
pandas EWM line), an "Indicators" multiselect offering RSI (a line in a second pane), and the
chart in a fragment that re-reads the file every ``BENCH_FLOOR_REFRESH_S`` seconds.
"""

from __future__ import annotations

import os

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

CSV = os.environ.get("BENCH_FLOOR_CSV", "")
BARS = int(os.environ.get("BENCH_FLOOR_BARS", "2000"))
REFRESH_S = float(os.environ.get("BENCH_FLOOR_REFRESH_S", "1"))

st.set_page_config(page_title="floor", layout="wide")
with st.sidebar:
    ema = st.checkbox("EMA 10", value=True)
    picked = st.multiselect("Indicators", ["RSI"], placeholder="RSI")


def _rsi(close: pd.Series, period: int = 14) -> pd.Series:
    change = close.diff()
    up = change.clip(lower=0).ewm(alpha=1 / period).mean()
    down = (-change.clip(upper=0)).ewm(alpha=1 / period).mean()
    return 100 - 100 / (1 + up / down)


@st.fragment(run_every=REFRESH_S)
def chart() -> None:
    frame = pd.read_csv(CSV).tail(BARS)
    rows = 2 if picked else 1
    figure = make_subplots(rows=rows, cols=1, shared_xaxes=True)
    x = list(range(len(frame)))
    figure.add_trace(
        go.Candlestick(x=x, open=frame["open"], high=frame["high"], low=frame["low"],
                       close=frame["close"], name="candles"), row=1, col=1,
    )  # fmt: skip
    if ema:
        figure.add_trace(go.Scatter(x=x, y=frame["close"].ewm(span=10).mean(), name="EMA 10"))
    if picked:
        figure.add_trace(go.Scatter(x=x, y=_rsi(frame["close"]), name="RSI 14"), row=2, col=1)
    figure.update_layout(height=640, xaxis_rangeslider_visible=False, uirevision="floor")
    st.plotly_chart(figure, key="floor_chart")


chart()
