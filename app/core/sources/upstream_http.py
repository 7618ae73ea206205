"""One GET to the broker's REST API, bounded in time, size and concurrency.

- **Deadline**: REQUEST_TIMEOUT is the whole fetch, retries and their waits included. Each
  connect and read is given at most the time left, a retry whose wait would pass the deadline
  is not made, and a watchdog shuts the fetch's sockets down when the deadline passes, so a
  server that drips a byte a second (each read "succeeds") cannot hold a worker past it.
- **Byte cap**: the answer is read in chunks and refused once past UPSTREAM_MAX_MB (a declared
  Content-Length past it is refused before reading); urllib3 decompresses chunk by chunk.
- **Concurrency**: at most UPSTREAM_MAX_CONCURRENT fetches at once; another waits a moment for
  a slot, then gets UpstreamBusyError (503) naming the limit, so hanging upstream requests can
  never take every worker thread.
- Retries (429, 5xx with ``Retry-After``, refused connections) are urllib3's ``Retry``; the
  messages quote the retries really made. Nothing shown or logged holds the key or the URL's
  userinfo (``app.core.redact``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from app.core.errors import (
    UpstreamBusyError,
    UpstreamError,
    UpstreamTimeoutError,
    UpstreamTooLargeError,
    UpstreamUnavailableError,
)
from app.core.redact import Redactor, register_secrets, safe_url, split_credentials
from app.core.sources.http_deadline import Deadline, DeadlineAdapter, DeadlineRetry, OutOfTime
from app.metrics import UPSTREAM_DURATION, UPSTREAM_ERRORS

logger = logging.getLogger(__name__)

RETRY_STATUSES = (429, 500, 502, 503, 504)
CHUNK_BYTES = 64 * 1024
SLOT_WAIT_SECONDS = 1.0  # how long a fetch waits for a free slot before answering 503
MB = 1024 * 1024


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: Mapping[str, str]
    body: bytes
    retries: int  # retries made before this answer


class UpstreamClient:
    """A requests Session to one base URL, with the bounds above; thread-safe."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        *,
        timeout: float,
        max_bytes: int,
        max_concurrent: int,
        retries: int,
        backoff_factor: float,
        retry_after_max: float,
        label: str = "the data API",
    ) -> None:
        self.label = label  # how messages name the upstream: "the data API", "Pyth", "Binance"
        clean, auth, base_params, secrets = split_credentials(base_url)
        self.base_url = clean.rstrip("/")
        self.shown_base = safe_url(base_url)
        self.host = (self.base_url.split("://", 1)[-1].split("/", 1)[0]) or "?"
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_concurrent = max_concurrent
        self.retries = retries
        self.has_key = bool(api_key)
        self.scrub = Redactor([api_key, *(auth or ()), *secrets])
        register_secrets(self.scrub)
        self._params = base_params  # e.g. ?apikey=: sent with each request, never shown
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._session = self._make_session(api_key, auth, backoff_factor, retry_after_max)

    def _make_session(
        self,
        api_key: str | None,
        auth: tuple[str, str] | None,
        backoff_factor: float,
        retry_after_max: float,
    ) -> requests.Session:
        retry = DeadlineRetry(
            total=self.retries,
            connect=self.retries,
            read=False,  # a read that failed mid-answer is not retried
            status=self.retries,
            other=0,
            backoff_factor=backoff_factor,
            backoff_max=5.0,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=True,
            retry_after_max=retry_after_max,
            raise_on_status=False,  # hand us the last response; we map its status ourselves
        )
        session = requests.Session()
        session.trust_env = False  # no proxy or .netrc credentials picked up behind our back
        adapter = DeadlineAdapter(max_retries=retry, pool_maxsize=self.max_concurrent)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers.update({"Accept": "application/json", "User-Agent": "super-chart"})
        if api_key:
            session.headers["Authorization"] = f"Bearer {api_key}"
        elif auth:
            session.auth = auth  # what requests did with a URL's userinfo, kept out of the URL
        return session

    def close(self) -> None:
        self._session.close()

    def get(self, path: str, params: Mapping[str, Any], *, timeout: float | None = None) -> Fetched:
        """The answer of ``GET {base}/{path}``, any status; UpstreamBusyError, Upstream
        TimeoutError, UpstreamTooLargeError or UpstreamUnavailableError when there is none.
        ``timeout`` (at most REQUEST_TIMEOUT) is what is left of a longer fetch's deadline."""
        seconds = self.timeout if timeout is None else max(0.05, min(timeout, self.timeout))
        if not self._slots.acquire(timeout=min(SLOT_WAIT_SECONDS, seconds)):
            raise UpstreamBusyError(
                f"{_first_upper(self.label)} is busy: {self.max_concurrent} requests to it are "
                "already in flight (UPSTREAM_MAX_CONCURRENT). Try again shortly."
            )
        started = time.monotonic()
        try:
            with Deadline(seconds) as deadline:
                return self._get(path, {**self._params, **params}, deadline)
        except Exception as exc:
            UPSTREAM_ERRORS.labels("api", type(exc).__name__).inc()
            raise
        finally:
            self._slots.release()
            UPSTREAM_DURATION.labels("api").observe(time.monotonic() - started)

    def _get(self, path: str, params: Mapping[str, Any], deadline: Deadline) -> Fetched:
        url = f"{self.base_url}/{path}"
        logger.debug("GET %s %s", self.scrub(url), self.scrub(dict(params)))
        connect_timeout = min(self.timeout, 5.0)
        try:
            with self._session.get(
                url, params=params, timeout=(connect_timeout, self.timeout), stream=True
            ) as response:
                body = self._read_body(response, deadline)
                fetched = Fetched(response.status_code, response.headers, body, deadline.retries)
        except OutOfTime as exc:
            if exc.status is None:
                raise self._unreachable(deadline) from None
            return Fetched(exc.status, {}, b"", deadline.retries)  # the last status, no time left
        except UpstreamError:
            raise
        except requests.exceptions.RequestException as exc:
            if deadline.expired or _is_timeout(exc):
                raise self._too_slow(deadline) from None
            logger.warning("Data API request failed: %s", self.scrub(type(exc).__name__))
            raise self._unreachable(deadline) from None
        if deadline.expired:  # the watchdog cut the answer short: it may look complete
            raise self._too_slow(deadline)
        return fetched

    def _read_body(self, response: requests.Response, deadline: Deadline) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large(f"it announces {_mb(int(declared))}")
        chunks = []
        size = 0
        for chunk in response.iter_content(CHUNK_BYTES):
            size += len(chunk)
            if size > self.max_bytes:
                raise self._too_large("it was still sending")
            chunks.append(chunk)
            if deadline.expired:
                break
        return b"".join(chunks)

    def retries_text(self, retries: int) -> str:
        return f"{retries} retr{'y' if retries == 1 else 'ies'}"

    def _too_slow(self, deadline: Deadline) -> UpstreamTimeoutError:
        return UpstreamTimeoutError(
            f"{_first_upper(self.label)} at {self.host} did not answer within "
            f"{deadline.seconds:g} s (REQUEST_TIMEOUT, the whole request; "
            f"{self.retries_text(deadline.retries)} made)."
        )

    def _unreachable(self, deadline: Deadline) -> UpstreamUnavailableError:
        within = (
            f" within {self.timeout:g} s (REQUEST_TIMEOUT)"
            if deadline.retries < self.retries
            else ""
        )
        return UpstreamUnavailableError(
            f"Could not reach {self.label} at {self.host} after "
            f"{self.retries_text(deadline.retries)}{within}."
        )

    def _too_large(self, how: str) -> UpstreamTooLargeError:
        return UpstreamTooLargeError(
            f"{_first_upper(self.label)}'s answer is larger than {_mb(self.max_bytes)} ({how}); "
            "the limit is "
            "UPSTREAM_MAX_MB. Ask for fewer bars, or raise UPSTREAM_MAX_MB."
        )


def _is_timeout(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, requests.exceptions.Timeout | TimeoutError):
            return True
        if "TimeoutError" in type(current).__name__:  # urllib3's ReadTimeoutError and kin
            return True
        reason = getattr(current, "reason", None)
        current = reason if isinstance(reason, BaseException) else current.__context__
    return False


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _mb(size: int) -> str:
    return f"{size / MB:,.1f} MB"
