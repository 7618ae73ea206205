"""API_TOKENS over HTTP and WS: 401 with WWW-Authenticate without a right token, answers with
one; the open paths stay open; the token is never written to the log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.async_run import run_async
from tests.web.access.conftest import SYMBOL, TOKEN_A, TOKEN_B, serve, ws_answer, ws_base


@pytest.fixture(scope="module")
def guarded(access_data: Path) -> Iterator[tuple[str, Path]]:
    with serve(access_data, API_TOKENS=f"{TOKEN_A}, {TOKEN_B}") as server:
        yield server


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("path", ["/api/ohlcv", "/api/symbols", "/api/v1/anything", "/udf/config"])
def test_api_without_token_is_401_with_challenge(guarded, path: str) -> None:
    response = httpx.get(guarded[0] + path, timeout=30)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "API_TOKENS" in response.json()["detail"]


def test_wrong_token_is_401_invalid_token(guarded) -> None:
    response = httpx.get(guarded[0] + "/api/symbols", headers=bearer("x" * 22), timeout=30)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert response.json()["detail"] == "The access token was not accepted."


@pytest.mark.parametrize("token", [TOKEN_A, TOKEN_B])
def test_each_token_opens_the_api(guarded, token: str) -> None:
    response = httpx.get(
        guarded[0] + "/api/ohlcv", params={"symbol": SYMBOL}, headers=bearer(token), timeout=30
    )
    assert response.status_code == 200
    assert len(response.json()) > 0  # the bars


def test_health_and_static_files_stay_open(guarded) -> None:
    base = guarded[0]
    assert httpx.get(base + "/health", timeout=30).json() == {"status": "ok"}
    assert httpx.get(base + "/static/access_gate.js", timeout=30).status_code == 200


def test_page_asks_for_the_token_and_takes_the_session_cookie(guarded) -> None:
    base = guarded[0]
    html = {"Accept": "text/html"}
    gate = httpx.get(base + "/chart", headers=html, timeout=30)
    assert gate.status_code == 401
    assert 'id="token-dialog"' in gate.text and "sample_ohlcv" not in gate.text
    page = httpx.get(
        base + "/chart", headers=html, cookies={"superchart_token": TOKEN_B}, timeout=30
    )
    assert page.status_code == 200 and "sc-state" in page.text
    # The cookie opens pages only: the API wants the header (no cross-site use of a cookie).
    api = httpx.get(base + "/api/symbols", cookies={"superchart_token": TOKEN_B}, timeout=30)
    assert api.status_code == 401


def test_websocket_needs_the_token(guarded) -> None:
    url = ws_base(guarded[0])
    status, headers, body = run_async(ws_answer(url))
    assert status == 401
    assert headers["www-authenticate"].startswith("Bearer")
    assert "API_TOKENS" in body
    assert run_async(ws_answer(url + "?token=" + "y" * 20))[0] == 401
    status, _, frame = run_async(ws_answer(url + "?token=" + TOKEN_A))
    assert status == 101 and '"snapshot"' in frame
    status, _, frame = run_async(ws_answer(url, bearer(TOKEN_B)))
    assert status == 101 and '"snapshot"' in frame


def test_tokens_never_reach_the_log(guarded) -> None:
    base, log = guarded
    run_async(ws_answer(ws_base(base) + "?token=" + TOKEN_A))
    httpx.get(base + "/api/symbols", headers=bearer(TOKEN_B), timeout=30)
    httpx.get(base + "/api/symbols", params={"token": TOKEN_B}, timeout=30)
    text = log.read_text()
    assert "/ws?token=***" in text  # the socket was logged, its token masked
    assert TOKEN_A not in text and TOKEN_B not in text
