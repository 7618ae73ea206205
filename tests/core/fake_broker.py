"""A real HTTP server on 127.0.0.1 standing in for the broker's REST API.

Each test scripts the answers (status, headers, body, delay) it wants, in order; the last one
repeats. Every request is recorded with its path, query and headers. Hostile answers too: a
server that hangs (``delay``), drips its head or body a byte at a time (``drip_head``,
``drip``), or sends an endless body (``endless``).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Answer:
    status: int = 200
    body: bytes | str | object = b"[]"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0  # seconds between the body's bytes
    drip_head: float = 0.0  # seconds between the status line's and headers' bytes
    endless: bool = False  # a body that never ends (no Content-Length)
    length: int | None = None  # Content-Length to announce (default: the body's)

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


class FakeBroker:
    def __init__(self) -> None:
        self.answers: dict[str, list[Answer]] = {}
        self.requests: list[Seen] = []
        self.stopped = threading.Event()
        self.in_flight = 0  # requests being answered now, and the most at once
        self.max_in_flight = 0
        self._lock = threading.Lock()
        broker = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                answer = broker._next(parts.path, Seen(parts.path, query, dict(self.headers)))
                if answer.delay:
                    broker.stopped.wait(answer.delay)
                body = answer.payload()
                try:
                    self._answer(answer, body)
                except (BrokenPipeError, ConnectionResetError, OSError):
                    pass  # the client gave up (timeout test)
                finally:
                    with broker._lock:
                        broker.in_flight -= 1

            def _answer(self, answer: Answer, body: bytes) -> None:
                headers = {"Content-Type": "application/json", **answer.headers}
                if not answer.endless:
                    length = len(body) if answer.length is None else answer.length
                    headers["Content-Length"] = str(length)
                head = f"HTTP/1.0 {answer.status} X\r\nConnection: close\r\n" + "".join(
                    f"{name}: {value}\r\n" for name, value in headers.items()
                )
                head_bytes = (head + "\r\n").encode()
                self._send(head_bytes, answer.drip_head)
                if answer.endless:
                    chunk = b"[" + b"0," * 32768
                    while not broker.stopped.is_set():
                        self.wfile.write(chunk)
                    return
                self._send(body, answer.drip)

            def _send(self, data: bytes, drip: float) -> None:
                if not drip:
                    self.wfile.write(data)
                    return
                for i in range(len(data)):
                    if broker.stopped.is_set():
                        return
                    self.wfile.write(data[i : i + 1])
                    self.wfile.flush()
                    time.sleep(drip)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def script(self, path: str, *answers: Answer) -> None:
        with self._lock:
            self.answers["/v1/" + path.lstrip("/")] = list(answers)

    def _next(self, path: str, seen: Seen) -> Answer:
        with self._lock:
            self.requests.append(seen)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            queue = self.answers.get(path)
            if not queue:
                return Answer(404, {"detail": "no such endpoint"})
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def count(self, path: str = "ohlcv") -> int:
        return sum(1 for r in self.requests if r.path == "/v1/" + path)

    def __enter__(self) -> FakeBroker:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.server.shutdown()
        self.server.server_close()
