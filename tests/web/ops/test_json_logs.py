"""LOG_FORMAT=json against a real server: every line is one JSON object; each request has an id,
in its log line and its X-Request-ID answer header, taken from the request only when a trusted
proxy sent it; no token reaches the log."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.async_run import run_async
from tests.web.access.conftest import TOKEN_A, serve, ws_answer, ws_base


def log_lines(log: Path) -> list[dict]:
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    return [json.loads(line) for line in lines]  # fails on any line that is not JSON


def test_json_lines_with_request_ids(access_data: Path) -> None:
    settings = {"LOG_FORMAT": "json", "TRUSTED_PROXIES": "127.0.0.1", "API_TOKENS": TOKEN_A}
    with serve(access_data, **settings) as (base, log):
        auth = {"Authorization": f"Bearer {TOKEN_A}"}
        sent = httpx.get(
            base + "/api/symbols", headers={**auth, "X-Request-ID": "edge-42.a"}, timeout=30
        )
        assert sent.headers["x-request-id"] == "edge-42.a"
        made = httpx.get(base + "/api/symbols", headers=auth, timeout=30)
        made_id = made.headers["x-request-id"]
        assert len(made_id) == 32
        odd = {**auth, "X-Request-ID": "a b\tc"}
        bad = httpx.get(base + "/api/symbols", headers=odd, timeout=30)
        assert bad.headers["x-request-id"] != "a b\tc"
        refused = httpx.get(base + "/api/symbols", timeout=30)  # 401s get an id too
        assert refused.status_code == 401 and refused.headers["x-request-id"]
        run_async(ws_answer(ws_base(base) + "?token=" + TOKEN_A))
        httpx.get(base + "/api/layouts", headers=auth, timeout=30)  # opens the store: an INFO line

        lines = log_lines(log)
        ours = [line for line in lines if line["logger"] == "superchart.access"]
        access = {line["request_id"]: line for line in ours}
        assert access["edge-42.a"]["route"] == "/api/symbols"
        assert access["edge-42.a"]["status"] == 200 and access[made_id]["client"] == "127.0.0.1"
        assert access[refused.headers["x-request-id"]]["status"] == 401
        assert any(line["method"] == "WS" and line["status"] == 101 for line in access.values())
        assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
        store_ready = [line for line in lines if line["logger"] == "app.web.store_deps"]
        assert store_ready and store_ready[0]["level"] == "info"
        assert TOKEN_A not in log.read_text()


def test_request_id_from_an_untrusted_peer_is_replaced(access_data: Path) -> None:
    with serve(access_data, LOG_FORMAT="json") as (base, _):
        answer = httpx.get(base + "/health", headers={"X-Request-ID": "spoofed-id"}, timeout=30)
        assert answer.headers["x-request-id"] != "spoofed-id"
