"""ALLOWED_IPS and METRICS_ALLOWED_IPS against real servers, the client's address read behind a
trusted proxy (X-Forwarded-For believed) and an untrusted one (ignored)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.async_run import run_async
from tests.web.access.conftest import serve, ws_answer, ws_base

ALLOWED = "10.1.0.0/16,2001:db8::/32"


@pytest.fixture(scope="module")
def behind_trusted_proxy(access_data: Path) -> Iterator[str]:
    with serve(access_data, ALLOWED_IPS=ALLOWED, TRUSTED_PROXIES="127.0.0.1") as (base, _):
        yield base


def forwarded_for(chain: str) -> dict[str, str]:
    return {"X-Forwarded-For": chain}


def test_client_named_by_a_trusted_proxy_is_let_in(behind_trusted_proxy: str) -> None:
    url = behind_trusted_proxy + "/api/symbols"
    assert httpx.get(url, headers=forwarded_for("10.1.2.3"), timeout=30).status_code == 200
    assert httpx.get(url, headers=forwarded_for("2001:db8::5"), timeout=30).status_code == 200


def test_other_clients_get_403(behind_trusted_proxy: str) -> None:
    url = behind_trusted_proxy + "/api/symbols"
    for headers in ({}, forwarded_for("203.0.113.9"), forwarded_for("10.1.2.3, 203.0.113.9")):
        response = httpx.get(url, headers=headers, timeout=30)
        assert response.status_code == 403, headers
        assert "ALLOWED_IPS" in response.json()["detail"]
    # The page too, and a new route's prefix.
    assert httpx.get(behind_trusted_proxy + "/chart", timeout=30).status_code == 403
    assert httpx.get(behind_trusted_proxy + "/udf/config", timeout=30).status_code == 403


def test_health_stays_open(behind_trusted_proxy: str) -> None:
    assert httpx.get(behind_trusted_proxy + "/health", timeout=30).status_code == 200


def test_websocket_refused_before_it_opens(behind_trusted_proxy: str) -> None:
    url = ws_base(behind_trusted_proxy)
    status, _, body = run_async(ws_answer(url, forwarded_for("203.0.113.9")))
    assert status == 403 and "ALLOWED_IPS" in body
    status, _, frame = run_async(ws_answer(url, forwarded_for("10.1.200.1")))
    assert status == 101 and '"snapshot"' in frame


def test_untrusted_proxy_is_not_believed(access_data: Path) -> None:
    with serve(access_data, ALLOWED_IPS=ALLOWED, TRUSTED_PROXIES="192.0.2.0/24") as (base, _):
        response = httpx.get(base + "/api/symbols", headers=forwarded_for("10.1.2.3"), timeout=30)
        assert response.status_code == 403
        status, _, _ = run_async(ws_answer(ws_base(base), forwarded_for("10.1.2.3")))
        assert status == 403


def test_metrics_allowlist_alone(access_data: Path) -> None:
    settings = {"METRICS_ALLOWED_IPS": "10.9.0.0/16", "TRUSTED_PROXIES": "127.0.0.1"}
    with serve(access_data, **settings) as (base, _):
        refused = httpx.get(base + "/metrics", timeout=30)
        assert refused.status_code == 403 and "METRICS_ALLOWED_IPS" in refused.json()["detail"]
        let_in = httpx.get(base + "/metrics", headers=forwarded_for("10.9.1.1"), timeout=30)
        assert let_in.status_code != 403
        # Only /metrics is limited: without API_TOKENS or ALLOWED_IPS the rest is open.
        assert httpx.get(base + "/api/symbols", timeout=30).status_code == 200
        status, _, frame = run_async(ws_answer(ws_base(base)))
        assert status == 101 and '"snapshot"' in frame
