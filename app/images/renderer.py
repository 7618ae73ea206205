"""A warm headless Chromium, driven by Kaleido 1.x, that turns Plotly figures into PNG/SVG bytes.

Starting Chromium and loading plotly.js into its tabs takes seconds, so one browser is opened
once (at app start, or at the first image) and kept: a warm render is plotly.js drawing into a
tab that is already loaded. The browser lives on an asyncio loop in its own thread, so sync
callers (Streamlit, Dash, FastAPI's threadpool) and async ones share it.

Bounded: ``workers`` renders at a time (one tab each), at most ``queue`` more waiting, and any
further request is refused at once with :class:`RendererBusyError` (a 503 with Retry-After). A
render past ``timeout`` seconds is abandoned, the browser killed and a new one started.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeoutError
from pathlib import Path
from typing import Any

from app.images.errors import (
    BrowserMissingError,
    ImageUnavailableError,
    RendererBusyError,
    RenderFailedError,
    RenderTimeoutError,
)

logger = logging.getLogger(__name__)

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = (
    "Chart images need Chromium, which was not found: install it (Debian/Ubuntu: "
    "apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable."
)
RELOAD_EVERY = 200  # renders per tab between page reloads (Kaleido reloads after every one)
START_TIMEOUT = 30.0  # seconds for Chromium to start and load plotly.js into its tabs
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


def _kaleido_class() -> type:
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


class ChartRenderer:
    """One warm browser with ``workers`` tabs; thread-safe; see the module docstring."""

    def __init__(
        self,
        browser_path: str | Path | None,
        *,
        workers: int = 2,
        queue: int = 4,
        timeout: float = 10.0,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.browser_path = Path(browser_path) if browser_path else None
        self.workers = workers
        self.queue = queue
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.renders = 0
        self.restarts = 0
        self._lock = threading.Lock()
        self._pending = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._opening: asyncio.Task | None = None
        self._starting: Any = None  # the browser being opened, to kill it on a shutdown
        self._slots: asyncio.Semaphore | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        return self.browser_path is not None

    @property
    def warm(self) -> bool:
        return self._kaleido is not None

    def start(self, *, warm: bool = True) -> None:
        """Start the renderer's thread; with ``warm``, open the browser now in the background
        (so the first image does not pay for it). Idempotent."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                loop = asyncio.new_event_loop()
                self._slots = None
                self._thread = threading.Thread(
                    target=loop.run_forever, name="chart-renderer", daemon=True
                )
                self._loop = loop
                self._thread.start()
        if warm and self.available:
            future = asyncio.run_coroutine_threadsafe(self._browser(), self._running_loop())
            future.add_done_callback(_log_failure)

    def close(self) -> None:
        """Close the browser and stop the thread (waits up to a few seconds)."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        future = asyncio.run_coroutine_threadsafe(self._close_browser(), loop)
        with contextlib.suppress(Exception):
            future.result(timeout=CLOSE_TIMEOUT + 5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        if not thread.is_alive():
            loop.close()

    # -- rendering ------------------------------------------------------------------------------

    def render(
        self, figure: dict, *, fmt: str, width: int, height: int, scale: float = 1.0
    ) -> bytes:
        """Figure (a plotly JSON dict) -> image bytes; blocks the calling thread."""
        with self._admitted():
            self.start(warm=False)
            future = self._submit(figure, fmt, width, height, scale)
            try:
                return future.result(timeout=self._wait_cap())
            except FutureTimeoutError:
                future.cancel()
                raise RenderTimeoutError(self._timeout_message(), retry_after=5) from None

    async def render_async(
        self, figure: dict, *, fmt: str, width: int, height: int, scale: float = 1.0
    ) -> bytes:
        """As :meth:`render`, awaited (the browser's loop is another thread's)."""
        with self._admitted():
            self.start(warm=False)
            future = self._submit(figure, fmt, width, height, scale)
            try:
                return await asyncio.wait_for(asyncio.wrap_future(future), self._wait_cap())
            except TimeoutError:
                future.cancel()
                raise RenderTimeoutError(self._timeout_message(), retry_after=5) from None

    def check_capacity(self) -> None:
        """Raise now what :meth:`render` would (no browser, full queue), before a caller spends
        time on a figure (a hint: the place is taken only by render itself)."""
        with self._lock:
            self._refuse_if_full()

    def _refuse_if_full(self) -> None:
        if self.browser_path is None:
            raise BrowserMissingError(INSTALL_HINT, retry_after=60)
        if self._pending >= self.workers + self.queue:
            raise RendererBusyError(
                f"The chart renderer is busy ({self.workers} images rendering and "
                f"{self.queue} waiting, IMAGE_WORKERS / IMAGE_QUEUE); try again shortly.",
                retry_after=1,
            )

    @contextlib.contextmanager
    def _admitted(self) -> Iterator[None]:
        with self._lock:
            self._refuse_if_full()
            self._pending += 1
        try:
            yield
        finally:
            with self._lock:
                self._pending -= 1

    def _submit(self, figure: dict, fmt: str, width: int, height: int, scale: float) -> Future:
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        return asyncio.run_coroutine_threadsafe(self._render(figure, opts), self._running_loop())

    def _wait_cap(self) -> float:
        """The longest a caller waits: its queue turn, a browser start, and its own render."""
        rounds = 2 + self.queue // max(self.workers, 1)
        return self.start_timeout + rounds * self.timeout

    def _timeout_message(self) -> str:
        return (
            f"The chart image was not drawn within IMAGE_TIMEOUT ({self.timeout:g} s); the "
            "renderer was restarted. Try again, or ask for fewer bars."
        )

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        loop = self._loop
        if loop is None:
            raise RenderFailedError("The chart renderer is shutting down.", retry_after=5)
        return loop

    # -- on the renderer's loop -----------------------------------------------------------------

    async def _render(self, figure: dict, opts: dict) -> bytes:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers)
        async with self._slots:  # one tab per slot: a free tab is always there inside
            browser = await self._browser()
            try:
                image = await asyncio.wait_for(browser.calc_fig(figure, opts), self.timeout)
            except TimeoutError:
                logger.warning("Render past %.1f s: restarting the browser", self.timeout)
                await self._restart(browser)
                raise RenderTimeoutError(self._timeout_message(), retry_after=2) from None
            except Exception as exc:
                logger.warning("Render failed: %s: %s", type(exc).__name__, exc)
                dead = browser.subprocess.poll() is not None
                if dead or browser is not self._kaleido:
                    await self._restart(browser)
                raise RenderFailedError(
                    f"The chart renderer failed ({type(exc).__name__}); try again.",
                    retry_after=2,
                ) from None
            self.renders += 1
            return image

    async def _browser(self) -> Any:
        if self._kaleido is not None:
            return self._kaleido
        if self._opening is None or self._opening.done():
            self._opening = asyncio.get_running_loop().create_task(self._open())
        return await asyncio.shield(self._opening)

    async def _open(self) -> Any:
        if self.browser_path is None:
            raise BrowserMissingError(INSTALL_HINT, retry_after=60)
        started = time.perf_counter()
        try:
            browser = _kaleido_class()(
                n=self.workers, timeout=None, mathjax=False, path=str(self.browser_path)
            )
        except Exception as exc:  # choreographer's ChromeNotFoundError, a bad path
            raise BrowserMissingError(f"{INSTALL_HINT} ({type(exc).__name__})") from None
        self._starting = browser
        try:
            await asyncio.wait_for(browser.open(), self.start_timeout)
        except Exception as exc:
            await self._dispose(browser)
            raise ImageUnavailableError(
                f"Chromium at {self.browser_path} did not start within {self.start_timeout:g} s "
                f"({type(exc).__name__}); chart images are unavailable for now.",
                retry_after=10,
            ) from None
        finally:
            self._starting = None
        await self._warm_tabs(browser)
        logger.info("Chart renderer warm in %.2f s", time.perf_counter() - started)
        self._kaleido = browser
        return browser

    async def _warm_tabs(self, browser: Any) -> None:
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
                asyncio.gather(*(browser.calc_fig(figure, opts) for _ in range(self.workers))),
                self.start_timeout,
            )
        except Exception as exc:  # a cold first image then, not a failed start
            logger.info("Warm-up render failed: %s", type(exc).__name__)

    async def _restart(self, browser: Any) -> None:
        """Drop ``browser`` (killed if it does not close) and start a new one in the background."""
        if self._kaleido is browser:
            self._kaleido = None
            self.restarts += 1
        await self._dispose(browser)
        if self._kaleido is None and (self._opening is None or self._opening.done()):
            self._opening = asyncio.get_running_loop().create_task(self._open())
            self._opening.add_done_callback(_log_task_failure)

    async def _close_browser(self) -> None:
        starting = self._starting
        if self._opening is not None and not self._opening.done():
            self._opening.cancel()  # a shutdown does not wait for a start
            with contextlib.suppress(BaseException):
                await self._opening
        browser, self._kaleido = self._kaleido, None
        for each in (starting, browser):
            if each is not None:
                await self._dispose(each)

    @staticmethod
    async def _dispose(browser: Any) -> None:
        try:
            await asyncio.wait_for(browser.close(), CLOSE_TIMEOUT)
        except BaseException as exc:
            logger.info("Browser close: %s; killing it", type(exc).__name__)
        process = getattr(browser, "subprocess", None)
        if process is not None and process.poll() is None:
            from choreographer.utils._kill import kill

            with contextlib.suppress(Exception):
                await asyncio.to_thread(kill, process)


def _log_failure(future: Future) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.warning("Chart renderer did not warm up: %s", future.exception())


def _log_task_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.warning("Chart renderer restart failed: %s", task.exception())
