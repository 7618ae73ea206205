"""Settings of the chart image renderer beyond its bounds (those are in ``app.config``)."""

from __future__ import annotations

from pydantic_settings import BaseSettings


class ImageSettings(BaseSettings):
    # true: Chromium opens at app start (in the background), so the first picture does not pay
    # for it; false (default): at the first picture, so a process serving none holds no browser.
    image_prewarm: bool = False
