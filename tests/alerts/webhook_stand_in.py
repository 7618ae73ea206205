"""A webhook receiver stood in by a real local HTTP server: it records each POST's JSON, or
(``hang=True``) accepts connections and never answers."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class WebhookStandIn:
    def __init__(self, *, hang: bool = False, fail_first: int = 0) -> None:
        self.received: list[dict] = []
        self.hang = hang
        self.failures_left = fail_first  # answer 503 to this many POSTs first
        self.release = threading.Event()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                if stand_in.hang:
                    stand_in.received.append({"hung": True})
                    stand_in.release.wait(60)
                    return
                if stand_in.failures_left > 0:
                    stand_in.failures_left -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                stand_in.received.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.received)
