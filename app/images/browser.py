"""The Chromium behind chart images: finding it, Kaleido with fewer tab reloads, warming its
tabs, and closing (or killing) it. ``app.images.renderer`` decides when."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from pathlib import Path
from typing import Any

logger = logging.getLogger("app.images.renderer")

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = (
    "Chart images need Chromium, which was not found: install it (Debian/Ubuntu: "
    "apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable."
)
RELOAD_EVERY = 200  # renders per tab between page reloads (Kaleido reloads after every one)
CLOSE_TIMEOUT = 10.0


def find_browser(configured: str | Path | None = None) -> Path | None:
    """``configured`` if it is an executable file, else the first Chromium/Chrome on PATH."""
    if configured:
        path = Path(configured).expanduser()
        return path if path.is_file() and shutil.which(str(path)) else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def kaleido_class() -> type:
    """Kaleido with fewer tab reloads: Kaleido reloads a tab after every image (re-parsing
    plotly.js, ~150 ms here, half a warm render); ours does so every ``RELOAD_EVERY`` images.
    (Plotly.toImage draws into a fresh element and purges it, so a tab keeps no figure.)"""
    import kaleido

    class WarmKaleido(kaleido.Kaleido):
        async def _return_kaleido_tab(self, tab: Any) -> None:
            count = getattr(tab, "superchart_renders", 0) + 1
            if count >= RELOAD_EVERY:
                tab.superchart_renders = 0
                await super()._return_kaleido_tab(tab)
            else:
                tab.superchart_renders = count
                await self.tabs_ready.put(tab)

    return WarmKaleido


async def warm_tabs(browser: Any, tabs: int, timeout: float) -> None:
    """One small candlestick picture per tab: a tab's first plotly.js drawing costs several
    times a later one (code compiled on first use), so the first user image does not pay."""
    figure = {
        "data": [
            {
                "type": "candlestick",
                "open": [1, 2],
                "high": [3, 3],
                "low": [0, 1],
                "close": [2, 1],
                "x": ["2024-01-01", "2024-01-02"],
            },
            {"type": "bar", "x": ["2024-01-01", "2024-01-02"], "y": [1, 2]},
        ],
        "layout": {"template": "none"},
    }
    opts = {"format": "png", "width": 300, "height": 200, "scale": 1}
    try:
        await asyncio.wait_for(
            asyncio.gather(*(browser.calc_fig(figure, opts) for _ in range(tabs))),
            timeout,
        )
    except Exception as exc:  # a cold first image then, not a failed start
        logger.info("Warm-up render failed: %s", type(exc).__name__)


async def dispose(browser: Any) -> None:
    """Close ``browser``, killing its process if it does not close."""
    try:
        await asyncio.wait_for(browser.close(), CLOSE_TIMEOUT)
    except BaseException as exc:
        logger.info("Browser close: %s; killing it", type(exc).__name__)
    process = getattr(browser, "subprocess", None)
    if process is not None and process.poll() is None:
        from choreographer.utils._kill import kill

        with contextlib.suppress(Exception):
            await asyncio.to_thread(kill, process)
