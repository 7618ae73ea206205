"""The "Download PNG" button: the chart as shown (the bars drawn, the EMAs ticked, the
indicators and overlays chosen), drawn by the shared image renderer (Kaleido driving the
system's Chromium) and handed to ``dcc.Download``. The renderer's browser is opened in the
background once a first chart is on the page (:func:`warm_renderer`), not at the click.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from dash import dcc, no_update

from app.charts.images import render_chart_image
from app.config import Settings
from app.core import DataError
from app.dash_app.alerts import error_alert
from app.dash_app.analysis_panel import add_overlays
from app.dash_app.chart_data import load_chart_data
from app.dash_app.uploads import UploadCache, UploadRef
from app.dash_app.window import Window
from app.images import get_renderer, start_renderer

IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_SCALE = 1400, 800, 2.0
PANE_HEIGHT = 160  # image pixels per indicator pane


def png_download(
    drawn: dict | None,
    source: str,
    symbol: str | None,
    timeframe: str | None,
    visible_emas: Sequence[int],
    upload_ref: dict | None,
    indicators: Sequence[str],
    overlays: Sequence[str],
    *,
    uploads: UploadCache,
    settings: Settings,
) -> tuple[Any, Any]:
    """-> (dcc.Download data, error under the button)."""
    if not drawn:
        return no_update, error_alert(DataError("Nothing is drawn yet to download."))
    offered = tuple(settings.ema_periods)
    try:
        data = load_chart_data(
            source=source,
            symbol=symbol,
            timeframe=timeframe,
            emas=tuple(p for p in offered if p in set(visible_emas)),
            upload=UploadRef.from_store(upload_ref) if upload_ref else None,
            uploads=uploads,
            settings=settings,
            window=Window.from_store(drawn.get("window")),
            indicators=tuple(indicators),
        )
        view = data.view
        panes = sum(1 for spec in view.indicators if spec.pane == "own")
        png = render_chart_image(
            view,
            fmt="png",
            width=IMAGE_WIDTH,
            height=IMAGE_HEIGHT + panes * PANE_HEIGHT,
            scale=IMAGE_SCALE,
            title=data.title,
            offered_emas=offered,
            decorate=lambda figure: add_overlays(figure, data, overlays),
        )
    except Exception as exc:  # every failure becomes an alert
        return no_update, error_alert(exc)
    return dcc.send_bytes(png, image_name(data.title)), None


def image_name(title: str) -> str:
    """``EURUSD · 1h`` -> ``EURUSD_1h.png``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", title).strip("_") + ".png"


def warm_renderer() -> None:
    """Open the image renderer's browser in the background, once: a chart is drawn, so a
    "Download PNG" may follow (the first image then skips Chromium's start, ~3-5 s)."""
    renderer = get_renderer()
    if renderer.available and not renderer.warm:
        start_renderer()
