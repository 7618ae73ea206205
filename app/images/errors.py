"""Why a chart image could not be made now. All are 503s: the request was fine, try again later
(``retry_after`` seconds), or install what the message names."""

from __future__ import annotations

from app.core.errors import SuperChartError


class ImageUnavailableError(SuperChartError):
    """The image renderer cannot serve this request now."""

    def __init__(self, message: str, *, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BrowserMissingError(ImageUnavailableError):
    """No Chromium to render with: the message says what to install."""


class RendererBusyError(ImageUnavailableError):
    """Every render slot and queue place is taken."""


class RenderTimeoutError(ImageUnavailableError):
    """A render went past IMAGE_TIMEOUT; the browser was restarted."""


class RenderFailedError(ImageUnavailableError):
    """The browser failed while rendering (it crashed, or was restarted under us)."""
