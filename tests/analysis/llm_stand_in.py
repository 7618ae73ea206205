"""A real HTTP server speaking OpenAI's /chat/completions, for the narrative tests.

What it does is picked by the symbol in the analysis it is sent (so one server serves every
case, and cases can run in any order): ``llm_slow`` answers after ``SLOW_SECONDS``, ``llm_500``
fails with a page holding the Authorization header, ``llm_refuse`` refuses, ``llm_echo`` echoes
that header in its text (``llm_straddle`` the key across the 4,000-character cut, ``llm_pieces``
the key in other cases and in halves), ``llm_garbage`` answers HTML, ``llm_html`` writes a
script tag; anything else gets a narrative naming the symbol and the language asked for.
Every request is recorded.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_SECONDS = 4.0


@dataclass
class StandIn:
    base: str
    requests: list[dict] = field(default_factory=list)


def _answer(text: str | None, *, refusal: str | None = None, finish: str = "stop") -> dict:
    message = {"role": "assistant", "content": text, "refusal": refusal}
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": "stand-in",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
    }


def _handler(record: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            auth = self.headers.get("Authorization", "")
            record.requests.append({"path": self.path, "auth": auth, "body": body})
            if self.path != "/v1/chat/completions":
                return self._send(404, {"error": "no such path"})
            system, user = body["messages"][0]["content"], body["messages"][1]["content"]
            analysis = json.loads(user)
            symbol = analysis["symbol"]
            lang = re.search(r"language whose code is (\S+)\.", system)
            if symbol == "llm_slow":
                time.sleep(SLOW_SECONDS)
            if symbol == "llm_500":
                return self._send(500, {"error": {"message": f"boom, your key {auth}"}})
            if symbol == "llm_refuse":
                return self._send(200, _answer(None, refusal="I can't help with that."))
            if symbol == "llm_echo":
                return self._send(200, _answer(f"Your header was {auth}."))
            key = auth.removeprefix("Bearer ")
            if symbol == "llm_straddle":  # the key across the 4,000-character cut
                head = "Trend up. " * 400
                return self._send(200, _answer(f"{head[: 4000 - 14]}{key} and more."))
            if symbol == "llm_pieces":  # the key upper-cased, lower-cased, and in halves
                half = len(key) // 2
                text = f"A {key.upper()} b {key.lower()} c {key[:half]} d {key[half:]} e."
                return self._send(200, _answer(text))
            if symbol == "llm_html":
                return self._send(200, _answer("<script>document.title='owned'</script>Up."))
            if symbol == "llm_garbage":
                return self._send(200, b"<html>not json</html>")
            text = f"LLM narrative for {symbol} in {lang.group(1) if lang else '?'}."
            return self._send(200, _answer(text))

        def _send(self, status: int, payload: dict | bytes) -> None:
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)  # the client may have given up (the timeout case)

    return Handler


@contextmanager
def llm_stand_in() -> Iterator[StandIn]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(StandIn("")))
    server.daemon_threads = True
    record = StandIn(f"http://127.0.0.1:{server.server_address[1]}/v1")
    server.RequestHandlerClass = _handler(record)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()
