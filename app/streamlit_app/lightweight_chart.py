"""Draw an OhlcvView with the chart page's own script, in a Streamlit component.

The component (app/streamlit_app/chart_component) runs the page's ES modules: the same panes,
legend, colours, RSI 30/70 guides, dates by timeframe and prices at the symbol's precision as
``/chart``. This module hands it the page's payload (``chart_payload``: one array per column) and
the state the page's script reads (``chart_options``, the catalog, the EMAs shown, the indicator
tokens, the levels and spikes to draw).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import orjson
import pandas as pd
import streamlit as st

from app.charts.lightweight import chart_options, chart_payload
from app.core import TIMEFRAMES, OhlcvView
from app.core.analysis import Level, Spike
from app.core.indicators import catalog_json
from app.streamlit_app.chart_component import lightweight_component
from app.streamlit_app.engines import LIGHTWEIGHT_WINDOW_BARS

PANE_HEIGHT = 130  # pixels each extra oscillator pane adds to the chart's height
PRICE_MARGIN_TOP = 0.05  # the page's price scale margins (app/web/static/js/price_series.js)
PRICE_MARGIN_BOTTOM = 0.25  # room for the volume under the candles


def price_margin_bottom(frame: pd.DataFrame) -> float:
    """The price scale's bottom margin: room for the volume, but never so much that the scale
    reaches under zero for prices that cannot be negative (a long rally: GOOG 1M showed 0, -100,
    -200 under its candles). The price at the bottom edge is ``low - bottom / (1 - top -
    bottom) * (high - low)``, which stays >= 0 while ``bottom <= (1 - top) * low / high``; any
    zoomed-in part of the bars has a ratio at least as high, so it holds for every view."""
    low, high = float(frame["low"].min()), float(frame["high"].max())
    if not (np.isfinite(low) and np.isfinite(high)) or low < 0 or high <= 0:
        return PRICE_MARGIN_BOTTOM
    return round(min(PRICE_MARGIN_BOTTOM, (1 - PRICE_MARGIN_TOP) * low / high), 4)


def ema_line_name(period: int) -> str:
    return f"EMA {period}"


def render_lightweight_chart(
    view: OhlcvView,
    *,
    data_key: str,
    offered_emas: Sequence[int],
    visible_emas: Sequence[int],
    height: int = 600,
    levels: Sequence[Level] = (),
    spikes: Sequence[Spike] = (),
    draw_levels: bool | None = None,
    draw_spikes: bool | None = None,
) -> None:
    """One chart with volume, the visible EMA lines, the view's indicators (a pane under the price
    for each oscillator) and the levels and spikes given.

    ``data_key`` names the view's data: its JSON (a few MB for 10,000 bars) is made once per
    key."""
    panes = sum(1 for spec in view.indicators if spec.pane == "own")
    payload = _payload_text(data_key, view)
    state = page_state(
        view,
        offered_emas=offered_emas,
        visible_emas=visible_emas,
        levels=levels,
        spikes=spikes,
        draw_levels=bool(levels) if draw_levels is None else draw_levels,
        draw_spikes=bool(spikes) if draw_spikes is None else draw_spikes,
    )
    lightweight_component(
        payload=payload,
        state=state,
        height=height + PANE_HEIGHT * max(0, panes - 1),
        key="lightweight_chart",
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _payload_text(data_key: str, _view: OhlcvView) -> str:
    return orjson.dumps(chart_payload(_view), option=orjson.OPT_SERIALIZE_NUMPY).decode()


@st.cache_data(show_spinner=False, max_entries=1)
def _catalog() -> list[dict]:
    return catalog_json()


def page_state(
    view: OhlcvView,
    *,
    offered_emas: Sequence[int],
    visible_emas: Sequence[int],
    levels: Sequence[Level],
    spikes: Sequence[Spike],
    draw_levels: bool,
    draw_spikes: bool,
) -> dict:
    """What the page's modules read from ``state`` (app/web/routes/chart.py builds the page's)."""
    offered = [int(period) for period in offered_emas]
    return {
        "symbol": view.symbol,
        "timeframe": view.timeframe.name,
        "offered": offered,
        "shown": [int(period) for period in visible_emas if period in offered],
        "pageBars": LIGHTWEIGHT_WINDOW_BARS,
        "heldBars": LIGHTWEIGHT_WINDOW_BARS,
        "standalone": True,  # no server to ask: the analysis comes with the state
        "timeframeSeconds": {name: tf.seconds for name, tf in TIMEFRAMES.items()},
        "indicators": [spec.token for spec in view.indicators],
        "catalog": _catalog(),
        "chart": "heikin_ashi" if view.chart == "heikin_ashi" else "candles",
        "scale": "normal",
        "theme": "dark",
        "levels": draw_levels,
        "spikes": draw_spikes,
        "analysis": {
            "levels": [level.as_json() for level in levels],
            "volume_spikes": [spike.as_json() for spike in spikes],
        },
        "priceMarginBottom": price_margin_bottom(view.frame),
        "options": chart_options(offered),
    }
