"""The narrative of an analysis: the LLM's when configured and willing, else the rule summary.

Nothing here fails a request: every problem becomes ``narrative_source: "rules"`` with a reason.
Answers are cached per (symbol, timeframe, last bar, language, analysis), so a page polling the
same bar asks the LLM once; a failure is remembered briefly so a dead LLM does not make every
request wait for its timeout.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import orjson

from app.config import Settings
from app.core.analysis import Analysis
from app.llm.client import LlmError, chat_completion
from app.metrics import LLM_CALLS, LLM_FALLBACKS
from app.shared_cache import get_shared_cache

T = TypeVar("T")

MAX_SHARED_NARRATIVE_BYTES = 64 * 1024  # a narrative is cut far below this
logger = logging.getLogger(__name__)

CACHE_ENTRIES = 256
MAX_CALLS_IN_FLIGHT = 4  # more LLM calls at once fall back to the rules at once, not queue
FAILURE_TTL = 30.0  # seconds a failed call is remembered
NOT_CONFIGURED = "no LLM is configured: set LLM_API_BASE, LLM_API_KEY and LLM_MODEL"
SYSTEM_PROMPT = (
    "You are a careful market analyst. From the JSON technical analysis the user gives, write "
    "one paragraph of at most 150 words for a trader: trend, momentum, the nearest support and "
    "resistance, volume spikes. Use only numbers present in the JSON and write prices exactly "
    "as the JSON writes them (the symbol's precision); do not give financial advice. Write it "
    "in the language whose code is {lang}."
)

_cache: OrderedDict[tuple, tuple[str, str, str | None, float]] = OrderedDict()
_lock = threading.Lock()
# A threading semaphore taken without waiting: it works across event loops (narrate_blocking
# runs one per call) and never queues a request behind a slow LLM.
_in_flight = threading.BoundedSemaphore(MAX_CALLS_IN_FLIGHT)


def llm_configured(settings: Settings) -> bool:
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else ""
    return bool(settings.llm_api_base and key and settings.llm_model)


def clear_narrative_cache() -> None:
    with _lock:
        _cache.clear()


def _key(analysis: Analysis, settings: Settings, lang: str) -> tuple:
    digest = hashlib.sha256(orjson.dumps(analysis.structured())).hexdigest()[:16]
    where = (settings.llm_api_base, settings.llm_model)
    return (analysis.symbol, analysis.timeframe, analysis.as_of, lang, digest, where)


def _remembered(key: tuple) -> tuple[str, str, str | None] | None:
    with _lock:
        entry = _cache.get(key)
        if entry is None:
            return None
        if entry[3] and entry[3] < time.monotonic():
            del _cache[key]
            return None
        _cache.move_to_end(key)
        return entry[:3]


def _remember(key: tuple, text: str, source: str, reason: str | None, ttl: float) -> None:
    with _lock:
        _cache[key] = (text, source, reason, time.monotonic() + ttl if ttl else 0.0)
        _cache.move_to_end(key)
        while len(_cache) > CACHE_ENTRIES:
            _cache.popitem(last=False)


def narrate_blocking(analysis: Analysis, settings: Settings, lang: str | None = None) -> Analysis:
    """:func:`narrate` for synchronous code (Streamlit scripts, Dash callbacks)."""
    return run_blocking(narrate(analysis, settings, lang))


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to its end from synchronous code. ``asyncio.run`` refuses to start where
    an event loop already runs in this thread (Playwright's sync API, a notebook): there it runs
    on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def narrate(analysis: Analysis, settings: Settings, lang: str | None = None) -> Analysis:
    """``analysis`` with its narrative: the LLM's (``narrative_source`` "llm") or the rule
    summary with the reason the LLM was not used."""
    language = lang or "en"
    rules = analysis.summary_in(language)  # Persian or English templates, same facts
    rules_lang = "fa" if rules is not analysis.summary else "en"
    if not llm_configured(settings):
        return analysis.with_narrative(rules, "rules", NOT_CONFIGURED, rules_lang)
    if analysis.as_of is None:
        return analysis.with_narrative(rules, "rules", "there are no bars to describe", rules_lang)
    key = _key(analysis, settings, language)
    known = _remembered(key)
    if known is not None:
        text, source, reason = known
        return analysis.with_narrative(
            text, source, reason, language if source == "llm" else rules_lang
        )
    shared = get_shared_cache()
    if shared is not None:  # written by another worker or replica: the LLM is asked once
        text = _checked_text(await asyncio.to_thread(shared.get, "narratives", repr(key)))
        if text is not None:
            _remember(key, text, "llm", None, 0.0)
            return analysis.with_narrative(text, "llm", None, language)
    messages = [
        {"role": "system", "content": SYSTEM_PROMPT.format(lang=language)},
        {"role": "user", "content": orjson.dumps(analysis.narrative_input()).decode()},
    ]
    assert settings.llm_api_base and settings.llm_api_key and settings.llm_model
    if not _in_flight.acquire(blocking=False):
        busy = f"the LLM is busy ({MAX_CALLS_IN_FLIGHT} narratives being written)"
        LLM_CALLS.labels("busy").inc()
        LLM_FALLBACKS.inc()
        return analysis.with_narrative(rules, "rules", busy, rules_lang)
    try:
        text = await chat_completion(
            base=settings.llm_api_base,
            key=settings.llm_api_key.get_secret_value(),
            model=settings.llm_model,
            messages=messages,
            timeout=settings.llm_timeout,
        )
    except LlmError as exc:
        LLM_CALLS.labels("error").inc()
        LLM_FALLBACKS.inc()
        logger.warning(
            "LLM narrative for %s %s fell back to rules: %s",
            analysis.symbol,
            analysis.timeframe,
            exc.reason,
        )
        _remember(key, rules, "rules", exc.reason, FAILURE_TTL)
        return analysis.with_narrative(rules, "rules", exc.reason, rules_lang)
    finally:
        _in_flight.release()
    LLM_CALLS.labels("ok").inc()
    _remember(key, text, "llm", None, 0.0)
    if shared is not None:
        await asyncio.to_thread(shared.put, "narratives", repr(key), text.encode())
    return analysis.with_narrative(text, "llm", None, language)


def _checked_text(value: bytes | None) -> str | None:
    """A narrative read back from Redis: UTF-8 text of a narrative's size, else nothing."""
    if value is None or len(value) > MAX_SHARED_NARRATIVE_BYTES:
        return None
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if text.strip() else None
