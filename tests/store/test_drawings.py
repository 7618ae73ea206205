"""Drawings over HTTP, on SQLite and on PostgreSQL (``backend``)."""

from __future__ import annotations

import uuid

import httpx
import pytest

TREND = {
    "symbol": "EURUSD",
    "type": "trend_line",
    "points": [{"time": 1704067200, "price": 1.1}, {"time": 1704070800, "price": 1.2345}],
    "style": {"color": "#2962ff", "width": 2, "extend": {"left": False, "right": True}},
}


def owner() -> dict[str, str]:
    return {"X-Client-Id": "d-" + uuid.uuid4().hex[:12]}


def test_drawing_crud_field_by_field(client: httpx.Client, backend: str):
    me = owner()
    created = client.post("/api/drawings", json=TREND, headers=me)
    assert created.status_code == 201, created.text
    body = created.json()
    assert len(body["id"]) == 32
    for field in ("symbol", "type", "points", "style"):
        assert body[field] == TREND[field], field
    listed = client.get("/api/drawings", params={"symbol": "eurusd"}, headers=me).json()
    assert [d["id"] for d in listed] == [body["id"]]
    assert listed[0]["points"] == TREND["points"]
    assert client.get("/api/drawings", params={"symbol": "GBPUSD"}, headers=me).json() == []
    moved = {**TREND, "points": [{"time": 1704067200, "price": 1.0}, TREND["points"][1]]}
    updated = client.put(f"/api/drawings/{body['id']}", json=moved, headers=me)
    assert updated.status_code == 200, updated.text
    assert updated.json()["points"][0]["price"] == 1.0
    assert updated.json()["updated"] >= body["updated"]
    again = client.get("/api/drawings", params={"symbol": "EURUSD"}, headers=me).json()
    assert again[0]["points"][0]["price"] == 1.0
    # another owner neither sees nor deletes it
    assert client.get("/api/drawings", params={"symbol": "EURUSD"}, headers=owner()).json() == []
    assert client.delete(f"/api/drawings/{body['id']}", headers=owner()).status_code == 404
    assert client.delete(f"/api/drawings/{body['id']}", headers=me).status_code == 204
    assert client.get("/api/drawings", params={"symbol": "EURUSD"}, headers=me).json() == []
    assert client.put(f"/api/drawings/{body['id']}", json=TREND, headers=me).status_code == 404


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"type": "horizontal_line"}, "takes 1 point"),
        ({"type": "parallel_channel"}, "takes 3 point"),
        ({"type": "circle"}, "type"),
        ({"points": [{"time": 1, "price": "nan"}] * 2}, "price"),
        ({"style": {"x": "y" * 5000}}, "4096-byte"),
        ({"type": "text", "points": [TREND["points"][0]]}, "style.text"),
        ({"symbol": ""}, "symbol"),
    ],
)
def test_bad_drawings_are_refused_by_name(client: httpx.Client, change: dict, words: str):
    answer = client.post("/api/drawings", json={**TREND, **change}, headers=owner())
    assert answer.status_code == 422, answer.text
    assert words in answer.json()["detail"]


def test_every_type_with_its_points_is_accepted(client: httpx.Client):
    me = owner()
    point = {"time": 1704067200, "price": 1.1}
    counts = {"horizontal_line": 1, "horizontal_ray": 1, "trend_line": 2, "rectangle": 2,
              "fib_retracement": 2, "parallel_channel": 3, "long_position": 3,
              "short_position": 3, "text": 1}  # fmt: skip
    for kind, count in counts.items():
        style = {"text": "buy zone"} if kind == "text" else {}
        drawing = {"symbol": "GBPUSD", "type": kind, "points": [point] * count, "style": style}
        assert client.post("/api/drawings", json=drawing, headers=me).status_code == 201, kind
    kinds = [d["type"] for d in client.get("/api/drawings", headers=me).json()]
    assert sorted(kinds) == sorted(counts)
