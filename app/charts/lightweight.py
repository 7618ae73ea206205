"""The Lightweight Charts engine: an OhlcvView -> what the chart page draws.

The browser side is TradingView Lightweight Charts 5 (native panes), the standalone production
build vendored from the npm registry into ``app/web/static/vendor/lightweight-charts`` with its
licence and checksums (``make vendor-js`` refreshes it). Times here are UNIX seconds from
:func:`app.core.epoch_seconds`, whatever the column's unit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from app.charts import theme
from app.charts.precision import view_price_precision
from app.core import OhlcvView, epoch_seconds
from app.core.indicators.catalog import MAX_LINES

PRICE_FIELDS = ("open", "high", "low", "close", "volume")


VENDOR_DIR = Path(__file__).resolve().parent.parent / "web" / "static" / "vendor"
LIGHTWEIGHT_CHARTS_JS = (
    VENDOR_DIR / "lightweight-charts" / "lightweight-charts.standalone.production.js"
)

INDICATOR_PALETTE = theme.INDICATOR_PALETTE  # defined once, in theme
LIGHT = {
    "background": theme.LIGHT_BACKGROUND,
    "text": theme.LIGHT_TEXT,
    "grid": theme.LIGHT_GRID,
    "border": theme.LIGHT_BORDER,
}


def lightweight_charts_js_path() -> Path:
    """The vendored Lightweight Charts 5 build (``make vendor-js`` brings it)."""
    if not LIGHTWEIGHT_CHARTS_JS.is_file():
        raise RuntimeError(f"{LIGHTWEIGHT_CHARTS_JS} is missing: run make vendor-js")
    return LIGHTWEIGHT_CHARTS_JS


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
    meta: dict[str, Any] = {
        "symbol": view.symbol,
        "timeframe": view.timeframe.name,
        "native_timeframe": view.native_timeframe.name,
        "emas": list(view.ema_periods),
        "chart": view.chart,
        "bars": len(view.frame),
        "total_bars": view.total_bars,
        "first_index": view.first_index,
        "has_more_before": view.has_more_before,
        "notices": list(view.notices),
        "source": view.source,
        "indicators": [
            {"token": s.token, "label": s.label, "pane": s.pane, "columns": list(s.columns)}
            for s in view.indicators
        ],
    }
    meta["price_precision"] = view_price_precision(view)  # decimals the data is quoted in
    return meta


def chart_payload(view: OhlcvView) -> dict[str, Any]:
    """Meta plus columns: the body of ``/api/ohlcv?format=columns`` and the page's first data."""
    return {**view_meta(view), "columns": ohlcv_columns(view)}


def chart_options(offered_emas: Sequence[int]) -> dict[str, Any]:
    """The TradingView look (dark and light), series colours and palettes for the page's JS (one
    source: theme)."""
    return {
        "themes": {
            "dark": {
                "background": theme.BACKGROUND,
                "text": theme.TEXT,
                "grid": theme.GRID,
                "border": theme.BORDER,
            },
            "light": LIGHT,
        },
        "fontFamily": theme.FONT_FAMILY,
        "crosshair": {"mode": 0},
        "candles": {
            "upColor": theme.UP,
            "downColor": theme.DOWN,
            "borderUpColor": theme.UP,
            "borderDownColor": theme.DOWN,
            "wickUpColor": theme.UP,
            "wickDownColor": theme.DOWN,
        },
        "lineColor": theme.PRICE_LINE,
        "areaTop": "rgba(120, 123, 134, 0.28)",
        "areaBottom": "rgba(120, 123, 134, 0.02)",
        "volume": {"up": theme.UP_VOLUME, "down": theme.DOWN_VOLUME},
        "emaColors": {str(p): theme.ema_color(p, offered_emas) for p in offered_emas},
        "indicatorPalette": list(INDICATOR_PALETTE),
        "secondOutputPalette": list(theme.SECOND_OUTPUT_PALETTE),
        # Past the palette (more instances than its colours): the same generated colours, in order.
        "indicatorExtraPalette": theme.extra_palettes(MAX_LINES)[0],
        "secondOutputExtraPalette": theme.extra_palettes(MAX_LINES)[1],
        "studyColors": {
            "up": theme.UP_VOLUME,
            "down": theme.DOWN_VOLUME,
            "guide": theme.MUTED_TEXT,
        },
    }


def json_for_script(value: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: ``<``, ``>`` and ``&`` are escaped,
    so a symbol holding ``</script>`` stays data."""
    text = orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
