"""CCXT's HTTP calls held to our bounds: a byte cap on every answer and one deadline per fetch.

CCXT's synchronous clients send through a ``requests.Session`` and read each answer whole
(``response.text``) before decoding it, so a hostile or broken exchange could make us hold, and
then decode, hundreds of MB. ``CappedAdapter``, mounted on a client's session, streams every
answer and refuses it once past its cap (a declared Content-Length past it is refused before
reading) with ``AnswerTooLarge``, which CCXT does not catch and so reaches our source unchanged.
It is a ``DeadlineAdapter`` (``http_deadline``): inside ``with Deadline(seconds):`` each
connect and wait for an answer gets at most the time left and a watchdog shuts the sockets when
it runs out, so a server that drips its answer cannot hold the fetch past the deadline.

``answer_cap(n)`` narrows the cap for the calls made in its block (in this thread): a page of
1,000 candles has no business being 50 MB, so it is refused at a size that fits its rows.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from requests import PreparedRequest, Response

from app.core.sources.http_deadline import DeadlineAdapter, _current

CHUNK_BYTES = 64 * 1024
_local = threading.local()


class AnswerTooLarge(Exception):
    """An exchange's answer passed the cap; ``how`` says what it sent (never the query)."""

    def __init__(self, path: str, limit: int, how: str) -> None:
        super().__init__(f"{path}: {how}")
        self.path = path
        self.limit = limit
        self.how = how


class AnswerTooSlow(Exception):
    """The fetch's deadline passed while the answer was still coming in."""


@contextlib.contextmanager
def answer_cap(max_bytes: int) -> Iterator[None]:
    """Answers received in this block (this thread) are refused past ``max_bytes``."""
    previous = getattr(_local, "cap", None)
    _local.cap = max_bytes if previous is None else min(previous, max_bytes)
    try:
        yield
    finally:
        _local.cap = previous


class CappedAdapter(DeadlineAdapter):
    """Reads every answer in chunks, at most ``max_bytes`` (or ``answer_cap``'s, if smaller)."""

    def __init__(self, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_bytes = max_bytes

    def send(self, request: PreparedRequest, stream: bool = False, **kwargs: Any) -> Response:
        response = super().send(request, stream=True, **kwargs)
        try:
            response._content = self._read(response, str(request.url or ""))
        except BaseException:
            response.close()
            raise
        response._content_consumed = True
        return response

    def _read(self, response: Response, url: str) -> bytes:
        cap = self.max_bytes
        narrowed = getattr(_local, "cap", None)
        if narrowed is not None:
            cap = min(cap, narrowed)
        path = urlsplit(url).path or "/"
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise AnswerTooLarge(path, cap, f"announced {size_text(int(declared))}")
        deadline = _current()
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(CHUNK_BYTES):
                size += len(chunk)
                if size > cap:
                    raise AnswerTooLarge(path, cap, f"went on past {size_text(cap)}")
                chunks.append(chunk)
                if deadline is not None and deadline.expired:
                    raise AnswerTooSlow(path)
        except OSError:  # requests' and urllib3's read errors: the watchdog's shutdown among them
            if deadline is not None and deadline.expired:
                raise AnswerTooSlow(path) from None
            raise
        if deadline is not None and deadline.expired:  # the watchdog may have cut it short
            raise AnswerTooSlow(path)
        return b"".join(chunks)


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):,.1f} MB"
    return f"{size / 1024:,.0f} KB"


def cap_client(client: Any, max_bytes: int) -> None:
    """Every HTTP answer ``client`` (a synchronous CCXT exchange) receives is capped."""
    adapter = CappedAdapter(max_bytes)
    client.session.trust_env = False  # no proxy or .netrc picked up behind our back
    client.session.mount("http://", adapter)
    client.session.mount("https://", adapter)
