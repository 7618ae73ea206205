"""A real HTTP server on 127.0.0.1 standing in for the broker's REST API.

Each test scripts the answers (status, headers, body, delay) it wants, in order; the last one
repeats. Every request is recorded with its path, query and headers.
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
        self._lock = threading.Lock()
        broker = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                answer = broker._next(parts.path, Seen(parts.path, query, dict(self.headers)))
                if answer.delay:
                    time.sleep(answer.delay)
                body = answer.payload()
                try:
                    self.send_response(answer.status)
                    headers = {"Content-Type": "application/json", **answer.headers}
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

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
        self.server.shutdown()
        self.server.server_close()
