"""One OpenAI-compatible chat completion, with an overall deadline and a byte cap.

Errors come back as :class:`LlmError` whose message is safe to show and log: it names what went
wrong (timeout, HTTP status, refusal) and never holds the key, the request or the answer's body
(a server may echo the Authorization header in an error page). The text is scrubbed of the key,
and of any run of 8 or more of its characters in any case, before it is cut to length, so no
piece of it survives at the cut either (``app.core.redact``).
"""

from __future__ import annotations

import asyncio
from functools import lru_cache

import httpx
import orjson

from app.core.redact import Redactor, register_secrets

MAX_ANSWER_BYTES = 1 * 2**20
MAX_NARRATIVE_CHARS = 4000


class LlmError(Exception):
    """The LLM did not give us a narrative; ``reason`` says why, without secrets."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def chat_completion(
    *,
    base: str,
    key: str,
    model: str,
    messages: list[dict[str, str]],
    timeout: float,
    max_tokens: int = 400,
) -> str:
    """The assistant's text for ``messages``; LlmError when there is none within ``timeout``
    seconds overall (connect, send, wait and read together)."""
    scrub = key_redactor(key)  # registered with the log filters before any request is made
    url = base.rstrip("/") + "/chat/completions"
    payload = {"model": model, "messages": messages, "max_tokens": max_tokens, "temperature": 0.2}
    try:
        body = await asyncio.wait_for(_post(url, key, payload, timeout), timeout)
    except TimeoutError:
        raise LlmError(f"the LLM did not answer within {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise LlmError(f"the LLM could not be reached ({type(exc).__name__})") from None
    # A server echoing the request must not get the key, or a piece of it, into a page: the
    # whole text is redacted first, then cut (cut first, a key straddling the cut kept its head).
    return _cut(scrub(_text_of(body)))


@lru_cache(maxsize=8)
def key_redactor(key: str) -> Redactor:
    """The key's Redactor, also scrubbing the log lines that could quote it (made once)."""
    redactor = Redactor([key])
    register_secrets(redactor)
    return redactor


def _cut(text: str) -> str:
    if len(text) <= MAX_NARRATIVE_CHARS:
        return text
    return text[: MAX_NARRATIVE_CHARS - 1].rstrip() + "…"  # says it was cut


async def _post(url: str, key: str, payload: dict, timeout: float) -> bytes:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    async with (
        httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client,
        client.stream("POST", url, content=orjson.dumps(payload), headers=headers) as response,
    ):
        if response.status_code != 200:
            raise LlmError(f"the LLM answered HTTP {response.status_code}")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                raise LlmError(f"the LLM's answer was over {MAX_ANSWER_BYTES // 2**20} MB")
            chunks.append(chunk)
        return b"".join(chunks)


def _text_of(body: bytes) -> str:
    """The first choice's text, or LlmError for a refusal, a content filter or no text."""
    try:
        answer = orjson.loads(body)
        choice = answer["choices"][0]
        message = choice.get("message") or {}
    except (orjson.JSONDecodeError, KeyError, IndexError, TypeError, AttributeError):
        raise LlmError("the LLM's answer was not a chat completion") from None
    if not isinstance(message, dict):
        raise LlmError("the LLM's answer was not a chat completion")
    if message.get("refusal") or choice.get("finish_reason") == "content_filter":
        raise LlmError("the LLM refused to write the narrative")
    text = message.get("content")
    if not isinstance(text, str) or not text.strip():
        raise LlmError("the LLM's answer held no text")
    return text.strip()
