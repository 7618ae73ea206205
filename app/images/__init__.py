"""Chart images: a warm Chromium (Kaleido 1.x) shared by the whole process.

``get_renderer()`` gives the process's :class:`ChartRenderer`, built from the settings
(CHROMIUM_PATH, IMAGE_WORKERS, IMAGE_QUEUE, IMAGE_TIMEOUT); FastAPI starts it warm in its
lifespan (``start_renderer``/``stop_renderer``), Streamlit and Dash get it started on their
first image. ``app.charts.images.render_chart_image`` draws a view with it.
"""

from __future__ import annotations

import atexit
import threading

from app.images.errors import (
    BrowserMissingError,
    ImageUnavailableError,
    RendererBusyError,
    RenderFailedError,
    RenderTimeoutError,
)
from app.images.renderer import INSTALL_HINT, ChartRenderer, find_browser

__all__ = [
    "INSTALL_HINT",
    "BrowserMissingError",
    "ChartRenderer",
    "ImageUnavailableError",
    "RenderFailedError",
    "RenderTimeoutError",
    "RendererBusyError",
    "find_browser",
    "get_renderer",
    "start_renderer",
    "stop_renderer",
]

_renderer: ChartRenderer | None = None
_lock = threading.Lock()


def get_renderer() -> ChartRenderer:
    """The process-wide renderer (its browser opens on first use unless started warm)."""
    global _renderer
    with _lock:
        if _renderer is None:
            from app.config import get_settings

            settings = get_settings()
            _renderer = ChartRenderer(
                find_browser(settings.chromium_path),
                workers=settings.image_workers,
                queue=settings.image_queue,
                timeout=settings.image_timeout,
            )
        return _renderer


def start_renderer() -> ChartRenderer:
    """Open the browser now, in the background (an app's start-up; never blocks)."""
    renderer = get_renderer()
    renderer.start(warm=True)
    return renderer


def stop_renderer() -> None:
    """Close the browser and forget the renderer (an app's shutdown)."""
    global _renderer
    with _lock:
        renderer, _renderer = _renderer, None
    if renderer is not None:
        renderer.close()


atexit.register(stop_renderer)  # no Chromium outlives the process
