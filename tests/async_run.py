"""Run a coroutine to its end from a synchronous test, even after a Playwright test.

Playwright's sync API keeps an event loop running in the main thread while the session's browser
is open, and ``asyncio.run`` refuses to start there; such a test's coroutine then runs on a
thread of its own (the WebSocket clients and stand-ins it starts live on that thread's loop).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
