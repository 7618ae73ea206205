"""Keeping secrets out of messages and log lines.

A broker URL may carry credentials (``https://user:secret@host/v1``, ``?apikey=...``) and the key
travels in a header; none of them may reach a user or a log. ``Redactor`` knows one source's
secrets and scrubs any text, pieces of them too: no run of ``LEAKED_RUN`` (8) or more characters
of a secret survives, in any case (an LLM may echo a key upper-cased, halved, or cut off at
the end of its text); ``safe_url`` shows a URL without its userinfo and secret query values;
``RedactingFilter`` scrubs records of the loggers that could quote a request.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

MASK = "***"
# Query parameters whose values are credentials (``?apikey=``, ``?access_token=``, ...).
SECRET_PARAM = re.compile(r"key|token|secret|pass|auth|sig|cred", re.IGNORECASE)
# ``scheme://user:pass@`` anywhere in a text, for URLs we did not build ourselves.
_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/\s@]+@", re.IGNORECASE)
_MIN_SECRET = 3  # a one-letter "password" would mask every such letter in a message
LEAKED_RUN = 8  # this many characters of a secret in a row are masked wherever they appear


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None, dict[str, str], list[str]]:
    """``url`` without userinfo or query; the (user, password) it held; its query parameters
    (to send with each request); the values among them that are secrets (never shown)."""
    parts = urlsplit(url)
    auth = None
    if parts.username is not None or parts.password is not None:
        auth = (unquote(parts.username or ""), unquote(parts.password or ""))
    netloc = parts.netloc.rpartition("@")[2]
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    secrets = [value for name, value in params.items() if SECRET_PARAM.search(name)]
    clean = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    return clean, auth, params, secrets


def safe_url(url: str) -> str:
    """``url`` as it may be shown: no userinfo, secret query values masked."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    query = [
        (name, MASK if SECRET_PARAM.search(name) else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="*"), ""))


class Redactor:
    """Replaces each known secret, any run of ``LEAKED_RUN`` or more of its characters in any
    case, and any URL userinfo in a text with ``***``."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        found = {s for s in secrets if s and len(s) >= _MIN_SECRET}
        # Longest first, so a secret containing another is masked whole.
        self._secrets = tuple(sorted(found, key=len, reverse=True))
        self._pieces = _pieces_pattern(self._secrets)

    def __call__(self, text: object) -> str:
        text = _USERINFO.sub(r"\g<scheme>" + MASK + "@", str(text))
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        if self._pieces is not None:
            text = _mask_pieces(text, self._pieces)
        return text

    @property
    def secrets(self) -> tuple[str, ...]:
        return self._secrets


def _pieces_pattern(secrets: Iterable[str]) -> re.Pattern[str] | None:
    """Finds where any ``LEAKED_RUN``-character piece of a secret starts, overlaps included
    (a lookahead matches no text), case ignored; None when no secret is that long."""
    pieces = {
        secret[i : i + LEAKED_RUN]
        for secret in secrets
        for i in range(len(secret) - LEAKED_RUN + 1)
    }
    if not pieces:
        return None
    alternatives = "|".join(re.escape(piece) for piece in sorted(pieces))
    return re.compile(f"(?=(?:{alternatives}))", re.IGNORECASE)


def _mask_pieces(text: str, pieces: re.Pattern[str]) -> str:
    """``text`` with every run covered by a secret's pieces replaced by one ``***``."""
    runs: list[list[int]] = []
    for match in pieces.finditer(text):
        start, end = match.start(), match.start() + LEAKED_RUN
        if runs and start <= runs[-1][1]:
            runs[-1][1] = end
        else:
            runs.append([start, end])
    if not runs:
        return text
    kept, last = [], 0
    for start, end in runs:
        kept += [text[last:start], MASK]
        last = end
    kept.append(text[last:])
    return "".join(kept)


class RedactingFilter(logging.Filter):
    """Scrubs every registered secret from the records of the logger it is attached to."""

    def __init__(self) -> None:
        super().__init__()
        self._redactors: list[Redactor] = []
        self._lock = threading.Lock()

    def add(self, redactor: Redactor) -> None:
        with self._lock:
            if redactor.secrets and redactor not in self._redactors:
                self._redactors.append(redactor)

    def filter(self, record: logging.LogRecord) -> bool:
        redactors = self._redactors
        if not redactors:
            return True
        text = record.getMessage()
        for redactor in redactors:
            text = redactor(text)
        record.msg, record.args = text, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redactors[0](logging.Formatter().formatException(record.exc_info))
            for redactor in redactors[1:]:
                record.exc_text = redactor(record.exc_text)
            record.exc_info = None
        return True


# The loggers that can quote an upstream request: ours, and urllib3's connection pool (its debug
# lines hold the request's path and query).
# (A filter acts on the records of its own logger only, not on its children's.)
LOGGERS_TO_SCRUB = (
    "app.core.sources.api",
    "app.core.sources.upstream_http",
    "app.web.errors",
    "urllib3.connectionpool",
    "urllib3.util.retry",
    "app.llm.client",
    "app.llm.narrative",
    "httpx",
)
_filter = RedactingFilter()


def register_secrets(redactor: Redactor) -> None:
    """Scrub ``redactor``'s secrets from the log lines of every logger that could quote them."""
    _filter.add(redactor)
    for name in LOGGERS_TO_SCRUB:
        logger = logging.getLogger(name)
        if _filter not in logger.filters:
            logger.addFilter(_filter)
