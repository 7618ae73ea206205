"""A warm headless Chromium, driven by Kaleido 1.x, that turns Plotly figures into PNG/SVG bytes.

Starting Chromium and loading plotly.js into its tabs takes seconds, so one browser is opened
once (at app start, or at the first image) and kept: a warm render is plotly.js drawing into a
tab that is already loaded. The browser lives on an asyncio loop in its own thread, so sync
callers (Streamlit, Dash, FastAPI's threadpool) and async ones share it.

Bounded: ``workers`` renders at a time (one tab each), at most ``queue`` more waiting, and any
further request is refused at once with :class:`RendererBusyError` (a 503 with Retry-After). A
render past ``timeout`` seconds is abandoned, the browser killed and a new one started; a
browser that dies mid-render (killed, crashed) fails those renders with
:class:`RenderFailedError` (a 503 with Retry-After, never an uncaught cancellation) and is
started again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import CancelledError as FutureCancelledError
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeoutError
from pathlib import Path
from typing import Any, NoReturn

from app.images.browser import (
    CLOSE_TIMEOUT,
    INSTALL_HINT,
    dispose,
    find_browser,
    kaleido_class,
    warm_tabs,
)
from app.images.errors import (
    BrowserMissingError,
    ImageUnavailableError,
    RendererBusyError,
    RenderFailedError,
    RenderTimeoutError,
)
from app.metrics import IMAGE_QUEUE, IMAGE_RENDER_DURATION, IMAGE_RENDERS

__all__ = ["INSTALL_HINT", "START_TIMEOUT", "ChartRenderer", "find_browser"]
logger = logging.getLogger(__name__)
START_TIMEOUT = 30.0  # seconds for Chromium to start and load plotly.js into its tabs


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
        self.start_seconds: float | None = None  # what the last browser start took
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
        with self._admitted(), _counted(fmt):
            self.start(warm=False)
            future = self._submit(figure, fmt, width, height, scale)
            try:
                return future.result(timeout=self._wait_cap())
            except FutureTimeoutError:
                future.cancel()
                raise RenderTimeoutError(self._timeout_message(), retry_after=5) from None
            except FutureCancelledError:
                raise _stopped() from None

    async def render_async(
        self, figure: dict, *, fmt: str, width: int, height: int, scale: float = 1.0
    ) -> bytes:
        """As :meth:`render`, awaited (the browser's loop is another thread's)."""
        with self._admitted(), _counted(fmt):
            self.start(warm=False)
            future = self._submit(figure, fmt, width, height, scale)
            try:
                return await asyncio.wait_for(asyncio.wrap_future(future), self._wait_cap())
            except TimeoutError:
                future.cancel()
                raise RenderTimeoutError(self._timeout_message(), retry_after=5) from None
            except asyncio.CancelledError:
                if _cancelled_from_outside() or not future.cancelled():
                    raise  # our caller went away (a client disconnected, a shutdown)
                raise _stopped() from None

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
        IMAGE_QUEUE.inc()
        try:
            yield
        finally:
            IMAGE_QUEUE.dec()
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
            except asyncio.CancelledError:
                if _cancelled_from_outside():
                    raise  # the caller gave up, or a shutdown: not a browser failure
                # The browser went away under us: choreographer cancels what awaited it.
                await self._failed(browser, "the browser went away mid-render")
            except Exception as exc:
                await self._failed(browser, f"{type(exc).__name__}: {exc}")
            self.renders += 1
            return image

    async def _failed(self, browser: Any, why: str) -> NoReturn:
        """A render failed: restart the browser if it died (or was replaced), then say so."""
        logger.warning("Render failed: %s", why)
        dead = browser.subprocess.poll() is not None
        if dead or browser is not self._kaleido:
            await self._restart(browser)
        raise RenderFailedError(
            "The chart renderer failed (its browser stopped); it is restarting: try again.",
            retry_after=2,
        )

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
            browser = kaleido_class()(
                n=self.workers, timeout=None, mathjax=False, path=str(self.browser_path)
            )
        except Exception as exc:  # choreographer's ChromeNotFoundError, a bad path
            raise BrowserMissingError(f"{INSTALL_HINT} ({type(exc).__name__})") from None
        self._starting = browser
        try:
            await asyncio.wait_for(browser.open(), self.start_timeout)
        except Exception as exc:
            await dispose(browser)
            raise ImageUnavailableError(
                f"Chromium at {self.browser_path} did not start within {self.start_timeout:g} s "
                f"({type(exc).__name__}); chart images are unavailable for now.",
                retry_after=10,
            ) from None
        finally:
            self._starting = None
        await warm_tabs(browser, self.workers, self.start_timeout)
        self.start_seconds = time.perf_counter() - started
        logger.info("Chart renderer warm in %.2f s", self.start_seconds)
        self._kaleido = browser
        return browser

    async def _restart(self, browser: Any) -> None:
        """Drop ``browser`` (killed if it does not close) and start a new one in the background."""
        if self._kaleido is browser:
            self._kaleido = None
            self.restarts += 1
        await dispose(browser)
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
                await dispose(each)


def _cancelled_from_outside() -> bool:
    """Whether the running task itself was asked to stop (rather than something it awaited
    being cancelled under it)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _stopped() -> RenderFailedError:
    return RenderFailedError(
        "The chart renderer stopped this render (its browser stopped or is restarting); try again.",
        retry_after=2,
    )


@contextlib.contextmanager
def _counted(fmt: str) -> Iterator[None]:
    """superchart_image_renders_total by result, and the render's time."""
    started = time.monotonic()
    result = "error"
    try:
        yield
        result = "ok"
    finally:
        IMAGE_RENDERS.labels(fmt, result).inc()
        IMAGE_RENDER_DURATION.labels(fmt).observe(time.monotonic() - started)


def _log_failure(future: Future) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.warning("Chart renderer did not warm up: %s", future.exception())


def _log_task_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.warning("Chart renderer restart failed: %s", task.exception())
