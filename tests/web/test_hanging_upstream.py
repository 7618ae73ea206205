"""Issue #11 §2: a real uvicorn over a broker that hangs: /health answers within 1 s while 100
upstream requests hang, the excess gets 503 naming UPSTREAM_MAX_CONCURRENT, the rest 504 at
REQUEST_TIMEOUT. (Before: 45 such requests took all 40 worker threads and /health hung.)"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter

import httpx
import pytest

from tests.core.fake_broker import Answer, FakeBroker
from tests.live_server import free_port, live_server

HANGING = 100
TIMEOUT = 4


@pytest.mark.slow
def test_health_answers_while_100_upstream_requests_hang():
    with FakeBroker() as broker:
        broker.script("ohlcv", Answer(200, [], delay=60))
        port = free_port()
        env = {
            "DATA_SOURCE": "api",
            "DATA_API_BASE": broker.base_url,
            "DATA_API_KEY": "sk-test-hang",
            "REQUEST_TIMEOUT": str(TIMEOUT),
            "UPSTREAM_MAX_CONCURRENT": "8",
            "CACHE_TTL": "0",
        }
        args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1"]
        with live_server(
            [*args, "--port", str(port)], port=port, health_path="/health", env=env
        ) as base:
            statuses: Counter[int] = Counter()
            lock = threading.Lock()

            def hang(i: int) -> None:
                # A raw socket, not an HTTP client per thread: 100 clients in this process
                # would compete for its GIL with the /health timing below.
                with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                    sock.sendall(
                        f"GET /api/ohlcv?symbol=S{i} HTTP/1.1\r\nHost: t\r\n"
                        "Connection: close\r\n\r\n".encode()
                    )
                    answer = b""
                    while chunk := sock.recv(65536):
                        answer += chunk
                status = int(answer.split(b" ", 2)[1])
                with lock:
                    statuses[status] += 1
                    if status == 503:
                        assert b"UPSTREAM_MAX_CONCURRENT" in answer

            threads = [threading.Thread(target=hang, args=(i,)) for i in range(HANGING)]
            for thread in threads:
                thread.start()
            time.sleep(0.5)  # the requests are in: 8 upstream, the rest waiting for a slot
            worst = 0.0
            with httpx.Client(base_url=base, timeout=5) as client:
                for _ in range(5):
                    started = time.monotonic()
                    assert client.get("/health").status_code == 200
                    assert client.head("/health").status_code == 200
                    worst = max(worst, time.monotonic() - started)
                    time.sleep(0.2)
            for thread in threads:
                thread.join(30)
            assert worst < 1.0, f"/health took {worst:.2f} s"
            assert sum(statuses.values()) == HANGING
            assert set(statuses) <= {503, 504}, statuses
            assert statuses[503] >= HANGING // 2  # most were turned away at once
            assert broker.max_in_flight <= 8  # never more upstream fetches than the limit
