"""With API_TOKENS set, records belong to the token (its hash), whatever X-Client-Id says; the
WS alerts subscription of a page with ``?token=`` is the token owner's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from tests.async_run import run_async
from tests.live.conftest import (
    BARS,
    SYMBOL,
    append,
    next_frame,
    row,
    run_server,
    write_minutes,
    ws_url,
)

TOKEN_A = "token-a-0123456789abcdef"
TOKEN_B = "token-b-0123456789abcdef"


@pytest.fixture(scope="module")
def token_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder: Path = tmp_path_factory.mktemp("tokens")
    write_minutes(folder / f"{SYMBOL}.csv")
    with run_server(folder, API_TOKENS=f"{TOKEN_A},{TOKEN_B}") as base:
        yield base, folder


def bearer(token: str, client_id: str = "same-browser") -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "X-Client-Id": client_id}


def test_layouts_belong_to_the_token(token_server: tuple[str, Path]):
    base, folder = token_server
    with httpx.Client(base_url=base, timeout=30) as client:
        assert client.put("/api/layouts/desk", json={"a": 1}, headers=bearer(TOKEN_A)).is_success
        assert client.get("/api/layouts/desk", headers=bearer(TOKEN_A, "other")).json() == {"a": 1}
        assert client.get("/api/layouts/desk", headers=bearer(TOKEN_B)).status_code == 404
        no_token = client.get("/api/layouts", headers={"X-Client-Id": "same-browser"})
        assert no_token.status_code == 401
    stored = b"".join(path.read_bytes() for path in folder.glob("superchart.db*"))
    assert b"token:" in stored  # the owner column holds the token's hash ...
    assert TOKEN_A.encode() not in stored  # ... never the token


def test_a_page_with_a_token_gets_that_tokens_alerts(token_server: tuple[str, Path]):
    base, folder = token_server
    close = httpx.get(
        base + "/api/ohlcv",
        params={"symbol": SYMBOL, "timeframe": "1m", "emas": "", "limit": 1},
        headers=bearer(TOKEN_A),
        timeout=30,
    ).json()

    async def scenario() -> tuple[list[dict], list[dict]]:
        pages = []
        for token in (TOKEN_A, TOKEN_B):
            ws = await websockets.connect(ws_url(base) + f"?token={token}")
            await ws.send(json.dumps({"type": "alerts", "client_id": "same-browser"}))
            assert (await next_frame(ws, 10.0))["subscribed"] is True
            pages.append(ws)
        level = close[-1]["close"] + 3
        created = httpx.post(
            base + "/api/alerts",
            headers=bearer(TOKEN_A),
            json={"symbol": SYMBOL, "timeframe": "1m",
                  "condition": {"type": "price_cross", "price": level}},
            timeout=30,
        )  # fmt: skip
        assert created.status_code == 201, created.text
        append(folder / f"{SYMBOL}.csv", row(BARS, level + 1))
        mine = [await next_frame(pages[0], 10.0, kind="alert")]
        try:
            theirs = [await next_frame(pages[1], 1.0, kind="alert")]
        except TimeoutError:
            theirs = []
        for ws in pages:
            await ws.close()
        return mine, theirs

    mine, theirs = run_async(scenario())
    assert mine[0]["price"] == close[-1]["close"] + 4 and theirs == []
