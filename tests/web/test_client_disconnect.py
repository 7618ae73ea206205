"""A client that hangs up in the middle of a request body is logged as such, not as an
unexpected server error with a traceback."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import httpx

from tests.live_server import ROOT


def _log_of(server: str) -> str:
    port = urlsplit(server).port
    return (ROOT / f".pytest_cache/server-{port}.log").read_text(errors="replace")


def test_a_body_cut_short_is_not_an_unexpected_error(server: str, api: httpx.Client) -> None:
    address = urlsplit(server)
    name = f"gone{time.monotonic_ns()}"
    with socket.create_connection((address.hostname, address.port), timeout=5) as sock:
        sock.sendall(
            f"PUT /api/watchlists/{name} HTTP/1.1\r\nHost: x\r\n"
            "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n"
            '{"symbols": ["GO'.encode()
        )
        time.sleep(0.3)
    deadline = time.monotonic() + 15
    while "the client left before its body arrived" not in _log_of(server):
        assert time.monotonic() < deadline, "the cut body was never reported"
        time.sleep(0.2)
    log = _log_of(server)
    assert f"Unexpected error on PUT /api/watchlists/{name}" not in log
    assert api.get(f"/api/watchlists/{name}").status_code in (200, 404)
