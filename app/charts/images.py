"""Chart images: the Plotly engine's figure, exported to PNG or SVG by the warm renderer.

The figure is the one Streamlit and Dash show (``build_plotly_figure``: candles, volume, EMAs,
indicator panes), prepared for a static picture: a title naming the symbol and timeframe, a
bar trace coloured through a two-colour scale split into two single-colour traces (a per-bar
colour scale costs plotly.js ~200 ms per 500 bars in an export, two plain traces ~20 ms; the
picture is the same), and the light theme's colours when asked for. (The volume is two filled
paths already: ``plotly_volume``.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import orjson
from plotly.io.json import to_json_plotly

from app.charts import theme
from app.charts.plotly_charts import build_plotly_figure
from app.core import OhlcvView

ImageFormat = Literal["png", "svg"]
ImageTheme = Literal["dark", "light"]
MEDIA_TYPES: dict[str, str] = {"png": "image/png", "svg": "image/svg+xml"}
MAX_IMAGE_BARS = 5000  # a chart image draws every bar asked for, up to this many

# The dark theme's layout colours -> the light theme's (candles and lines keep theirs).
LIGHT_COLOURS: dict[str, str] = {
    theme.BACKGROUND: theme.LIGHT_BACKGROUND,
    theme.PANEL: theme.LIGHT_BACKGROUND,
    theme.TEXT: theme.LIGHT_TEXT,
    theme.MUTED_TEXT: theme.LIGHT_MUTED_TEXT,
    theme.GRID: theme.LIGHT_GRID,
    theme.BORDER: theme.LIGHT_BORDER,
}


def chart_title(view: OhlcvView) -> str:
    return f"{view.symbol} · {view.timeframe.name}"


def image_figure(
    view: OhlcvView,
    *,
    theme_name: ImageTheme = "dark",
    title: str | None = None,
    offered_emas: Sequence[int] | None = None,
    decorate: Any = None,
) -> dict:
    """The plotly JSON (a dict, arrays as typed base64) of ``view`` as a picture draws it.

    ``decorate(figure)`` may add to the ``go.Figure`` first (the analysis overlays)."""
    figure = build_plotly_figure(
        view,
        offered_emas=view.ema_periods if offered_emas is None else offered_emas,
        title=chart_title(view) if title is None else title,
        max_bars=max(MAX_IMAGE_BARS, len(view.frame)),
    )
    if decorate is not None:
        decorate(figure)
    spec = figure.to_plotly_json()
    spec["data"] = [
        part
        for trace, trace_json in zip(figure.data, spec["data"], strict=True)
        for part in _static_traces(trace, trace_json)
    ]
    layout = spec["layout"]
    layout["hovermode"] = False  # nothing to hover in a picture
    if isinstance(layout.get("title"), dict):
        layout["title"]["pad"] = {"l": 10}  # not flush with the picture's edge
    layout["barmode"] = "overlay"  # the two volume traces share each time slot, side by none
    if theme_name == "light":
        spec["layout"] = _recoloured(layout, LIGHT_COLOURS)
    return orjson.loads(to_json_plotly(spec))


def _static_traces(trace: Any, trace_json: dict) -> list[dict]:
    """A bar trace coloured through a two-colour scale by 0/1 values (volume, a MACD histogram)
    -> one trace per colour. (``trace`` is the plotly object, ``trace_json`` its JSON with arrays
    already encoded.)"""
    marker = trace_json.get("marker") or {}
    scale = marker.get("colorscale")
    if trace.type != "bar" or not isinstance(scale, list | tuple) or len(scale) != 2:
        return [trace_json]
    high = np.asarray(trace.marker.color, dtype=np.float64) >= 0.5
    x, y = np.asarray(trace.x), np.asarray(trace.y)
    parts = []
    for mask, (_, colour) in ((~high, scale[0]), (high, scale[1])):
        part = {key: value for key, value in trace_json.items() if key not in ("x", "y", "marker")}
        part.update(x=x[mask], y=y[mask], marker={"color": colour, "line": {"width": 0}})
        if parts:
            part["showlegend"] = False
        parts.append(part)
    return parts


def _recoloured(value: Any, colours: dict[str, str]) -> Any:
    if isinstance(value, str):
        return colours.get(value, value)
    if isinstance(value, dict):
        return {key: _recoloured(item, colours) for key, item in value.items()}
    if isinstance(value, list):
        return [_recoloured(item, colours) for item in value]
    return value


def view_digest(view: OhlcvView) -> str:
    """A fingerprint of the bars and every computed column of ``view`` (an image's ETag part)."""
    frame = view.frame
    digest = hashlib.blake2b(digest_size=16)
    meta = [view.symbol, view.timeframe.name, view.total_bars, view.first_index, len(frame)]
    digest.update(orjson.dumps(meta))
    for name in frame.columns:
        digest.update(str(name).encode())
        column = frame[name]
        values = (
            column.to_numpy(dtype="datetime64[ns]").view(np.int64)
            if name == "time"
            else column.to_numpy(dtype=np.float64, na_value=np.nan)
        )
        digest.update(memoryview(np.ascontiguousarray(values)).cast("B"))
    return digest.hexdigest()


def render_chart_image(
    view: OhlcvView,
    *,
    fmt: ImageFormat = "png",
    width: int = 1200,
    height: int = 700,
    scale: float = 1.0,
    theme: ImageTheme = "dark",
    title: str | None = None,
    offered_emas: Sequence[int] | None = None,
    decorate: Any = None,
    renderer: Any = None,
) -> bytes:
    """``view`` as PNG or SVG bytes of ``width`` x ``height`` CSS pixels (x ``scale`` for a PNG's
    pixels), drawn by the process's warm Chromium. For Streamlit and Dash download buttons;
    blocks the calling thread. ``ImageUnavailableError`` (503) when it cannot be drawn now."""
    from app.images import get_renderer

    figure = image_figure(
        view, theme_name=theme, title=title, offered_emas=offered_emas, decorate=decorate
    )
    return (renderer or get_renderer()).render(
        figure, fmt=fmt, width=width, height=height, scale=scale
    )
