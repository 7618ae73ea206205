"""The Lightweight Charts engine: an OhlcvView -> what the chart page draws.

The browser side is TradingView Lightweight Charts as shipped inside the installed
``lightweight-charts`` Python package (v4 API: ``addCandlestickSeries``). We do not use the
package's Python data path: with pandas 3 it turns ``datetime64[us]`` times into wrong epoch values
and draws nothing. Times here are UNIX seconds from :func:`app.core.epoch_seconds`, whatever the
column's unit.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from app.charts import theme
from app.core import OhlcvView, epoch_seconds

PRICE_FIELDS = ("open", "high", "low", "close", "volume")


@lru_cache(maxsize=1)
def lightweight_charts_js_path() -> Path:
    """The standalone Lightweight Charts build inside the installed ``lightweight-charts``
    package (found without importing the package, which pulls in pandas hooks we do not need)."""
    spec = importlib.util.find_spec("lightweight_charts")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the lightweight-charts package is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "js" / "lightweight-charts.js"
    if not path.is_file():
        raise RuntimeError(f"{path} is missing from the lightweight-charts package")
    return path


def ohlcv_columns(view: OhlcvView) -> dict[str, Any]:
    """The view as one array per field, ready for ``orjson.dumps(..., OPT_SERIALIZE_NUMPY)``.

    NaN (an EMA or indicator still warming up) is written as ``null`` by orjson."""
    frame = view.frame
    columns: dict[str, Any] = {"time": epoch_seconds(frame["time"])}
    for field in PRICE_FIELDS:
        columns[field] = np.ascontiguousarray(frame[field].to_numpy(dtype=np.float64))
    for column in view.indicator_columns:  # ema_<p>, then each indicator's outputs
        columns[column] = np.ascontiguousarray(frame[column].to_numpy(dtype=np.float64))
    return columns


def columns_digest(meta: dict[str, Any], columns: dict[str, Any]) -> str:
    """A fingerprint of what a response would hold, computed without serialising it."""
    digest = hashlib.blake2b(orjson.dumps(meta), digest_size=16)
    for name, values in columns.items():
        digest.update(name.encode())
        digest.update(memoryview(np.ascontiguousarray(values)).cast("B"))
    return digest.hexdigest()


def view_meta(view: OhlcvView) -> dict[str, Any]:
    """What a client needs to page through the history, and what the loader fixed in the data
    (to show the user)."""
    return {
        "symbol": view.symbol,
        "timeframe": view.timeframe.name,
        "native_timeframe": view.native_timeframe.name,
        "emas": list(view.ema_periods),
        "indicators": [spec.token for spec in view.indicators],
        "chart": view.chart,
        "bars": len(view.frame),
        "total_bars": view.total_bars,
        "first_index": view.first_index,
        "has_more_before": view.has_more_before,
        "notices": list(view.notices),
    }


def chart_payload(view: OhlcvView) -> dict[str, Any]:
    """Meta plus columns: the body of ``/api/ohlcv?format=columns`` and the page's first data."""
    return {**view_meta(view), "columns": ohlcv_columns(view)}


def chart_options(offered_emas: Sequence[int]) -> dict[str, Any]:
    """The dark TradingView look and the EMA colours, for the page's JS (one source: theme)."""
    return {
        "layout": {
            "background": {"type": "solid", "color": theme.BACKGROUND},
            "textColor": theme.TEXT,
            "fontFamily": theme.FONT_FAMILY,
        },
        "grid": {"vertLines": {"color": theme.GRID}, "horzLines": {"color": theme.GRID}},
        "rightPriceScale": {"borderColor": theme.BORDER},
        "timeScale": {"borderColor": theme.BORDER, "timeVisible": True, "secondsVisible": False},
        "crosshair": {"mode": 0},
        "candles": {
            "upColor": theme.UP,
            "downColor": theme.DOWN,
            "borderUpColor": theme.UP,
            "borderDownColor": theme.DOWN,
            "wickUpColor": theme.UP,
            "wickDownColor": theme.DOWN,
        },
        "volume": {"up": theme.UP_VOLUME, "down": theme.DOWN_VOLUME},
        "emaColors": {str(p): theme.ema_color(p, offered_emas) for p in offered_emas},
    }


def json_for_script(value: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: ``<``, ``>`` and ``&`` are escaped,
    so a symbol holding ``</script>`` stays data."""
    text = orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
