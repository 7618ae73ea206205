"""Layouts and watchlists over HTTP, on SQLite and on PostgreSQL (``backend``)."""

from __future__ import annotations

import uuid

import httpx


def owner_headers() -> dict[str, str]:
    return {"X-Client-Id": "browser-" + uuid.uuid4().hex[:12]}


def test_layout_saved_is_read_back_field_by_field(client: httpx.Client, backend: str):
    me = owner_headers()
    layout = {
        "charts": [{"symbol": "EURUSD", "timeframe": "1h", "emas": [10, 21]}],
        "grid": "2x2",
        "sync": {"crosshair": True},
        "note": "ünïcode ✓",
        "n": 1.5,
    }
    saved = client.put("/api/layouts/My Desk", json=layout, headers=me)
    assert saved.status_code == 200, saved.text
    assert saved.json()["name"] == "My Desk"
    read = client.get("/api/layouts/My Desk", headers=me)
    assert read.status_code == 200
    assert read.json() == layout
    listed = client.get("/api/layouts", headers=me).json()
    assert [item["name"] for item in listed] == ["My Desk"]
    assert listed[0]["updated"] == saved.json()["updated"]
    layout["grid"] = "1x2"
    assert client.put("/api/layouts/My Desk", json=layout, headers=me).status_code == 200
    assert client.get("/api/layouts/My Desk", headers=me).json()["grid"] == "1x2"
    assert client.delete("/api/layouts/My Desk", headers=me).status_code == 204
    gone = client.get("/api/layouts/My Desk", headers=me)
    assert gone.status_code == 404
    assert "My Desk" in gone.json()["detail"]
    assert client.get("/api/layouts", headers=me).json() == []


def test_a_shared_layout_opens_read_only_for_another_client_id(client: httpx.Client):
    me, other = owner_headers(), owner_headers()
    saved = client.put("/api/layouts/shared", json={"charts": 4}, headers=me).json()
    share_id = saved["share_id"]
    assert len(share_id) == 32
    assert client.get("/api/layouts", headers=me).json()[0]["share_id"] == share_id
    again = client.put("/api/layouts/shared", json={"charts": 2}, headers=me).json()
    assert again["share_id"] == share_id  # the link survives edits
    with httpx.Client(base_url=str(client.base_url), timeout=30) as second:
        opened = second.get(f"/api/shared-layouts/{share_id}", headers=other)
        assert opened.status_code == 200 and opened.json() == {"charts": 2}
        assert second.get("/api/layouts/shared", headers=other).status_code == 404
    assert client.delete("/api/layouts/shared", headers=me).status_code == 204
    assert client.get(f"/api/shared-layouts/{share_id}", headers=other).status_code == 404


def test_a_layout_belongs_to_its_client_id(client: httpx.Client):
    me, other = owner_headers(), owner_headers()
    assert client.put("/api/layouts/mine", json={"a": 1}, headers=me).status_code == 200
    assert client.get("/api/layouts/mine", headers=other).status_code == 404
    assert client.get("/api/layouts", headers=other).json() == []
    # the same id from a second client (another browser context) reads it back
    with httpx.Client(base_url=str(client.base_url), timeout=30) as second:
        assert second.get("/api/layouts/mine", headers=me).json() == {"a": 1}


def test_without_api_tokens_a_bearer_header_does_not_own(client: httpx.Client):
    me = owner_headers()
    token = {"Authorization": "Bearer s3cret-" + uuid.uuid4().hex, **me}
    assert client.put("/api/layouts/t", json={"t": 1}, headers=token).status_code == 200
    assert client.get("/api/layouts/t", headers=me).json() == {"t": 1}


def test_layout_limits_are_named(client: httpx.Client):
    me = owner_headers()
    big = {"blob": "x" * (256 * 1024)}
    too_big = client.put("/api/layouts/big", json=big, headers=me)
    assert too_big.status_code == 413
    assert "256 KB" in too_big.json()["detail"]
    assert "STORE_LAYOUT_MAX_KB" in too_big.json()["detail"]
    not_object = client.put("/api/layouts/list", json=[1, 2], headers=me)
    assert not_object.status_code == 422
    assert "JSON object" in not_object.json()["detail"]
    broken = client.put("/api/layouts/bad", content=b"{nope", headers=me)
    assert broken.status_code == 422
    for i in range(5):  # STORE_MAX_LAYOUTS=5 on the test server
        assert client.put(f"/api/layouts/l{i}", json={"i": i}, headers=me).status_code == 200
    full = client.put("/api/layouts/l5", json={}, headers=me)
    assert full.status_code == 409
    assert "STORE_MAX_LAYOUTS" in full.json()["detail"]
    assert client.put("/api/layouts/l0", json={"i": 9}, headers=me).status_code == 200  # replace


def test_bad_client_id_is_refused(client: httpx.Client):
    answer = client.get("/api/layouts", headers={"X-Client-Id": "x" * 101})
    assert answer.status_code == 422
    assert "X-Client-Id" in answer.json()["detail"]


def test_watchlist_round_trip_and_cap(client: httpx.Client):
    me = owner_headers()
    assert client.get("/api/watchlists/fx", headers=me).status_code == 404
    saved = client.put(
        "/api/watchlists/fx", json={"symbols": ["EURUSD", "GBPUSD", "EURUSD"]}, headers=me
    )
    assert saved.status_code == 200, saved.text
    read = client.get("/api/watchlists/fx", headers=me).json()
    assert read["symbols"] == ["EURUSD", "GBPUSD"]
    assert read["name"] == "fx"
    assert [w["name"] for w in client.get("/api/watchlists", headers=me).json()] == ["fx"]
    over = client.put(
        "/api/watchlists/fx", json={"symbols": [f"S{i}" for i in range(11)]}, headers=me
    )
    assert over.status_code == 422
    assert "STORE_WATCHLIST_MAX_SYMBOLS" in over.json()["detail"]
    wrong = client.put("/api/watchlists/fx", json={"symbols": "EURUSD"}, headers=me)
    assert wrong.status_code == 422
    assert client.get("/api/watchlists/fx", headers=me).json()["symbols"] == ["EURUSD", "GBPUSD"]
    assert client.delete("/api/watchlists/fx", headers=me).status_code == 204
    assert client.get("/api/watchlists/fx", headers=me).status_code == 404
