"""``/api/alerts`` CRUD field by field, on SQLite and on PostgreSQL (``backend``)."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from tests.live.conftest import SYMBOL


def owner() -> dict[str, str]:
    return {"X-Client-Id": "al-" + uuid.uuid4().hex[:12]}


def alert_body(**change: object) -> dict:
    body = {
        "symbol": SYMBOL,
        "timeframe": "5m",
        "condition": {
            "type": "indicator",
            "expr": "macd_12_26_9 crosses_above macd_signal_12_26_9",
        },
        "frequency": "once_per_bar",
        "expires": time.time() + 3600,
        "webhook_url": None,
        "message": "MACD turned up",
    }
    return {**body, **change}


def test_alert_crud_field_by_field(client: httpx.Client, backend: str):
    me = owner()
    body = alert_body()
    created = client.post("/api/alerts", json=body, headers=me)
    assert created.status_code == 201, created.text
    alert = created.json()
    assert alert["state"] == "armed" and len(alert["id"]) == 32
    for field in ("symbol", "timeframe", "condition", "frequency", "webhook_url", "message"):
        assert alert[field] == body[field], field
    assert alert["expires"] == pytest.approx(body["expires"])
    assert alert["fired_count"] == 0 and "owner" not in alert
    assert client.get(f"/api/alerts/{alert['id']}", headers=me).json() == alert
    assert [a["id"] for a in client.get("/api/alerts", headers=me).json()] == [alert["id"]]
    assert client.get(f"/api/alerts/{alert['id']}/events", headers=me).json() == []
    assert client.get(f"/api/alerts/{alert['id']}", headers=owner()).status_code == 404
    assert client.delete(f"/api/alerts/{alert['id']}", headers=owner()).status_code == 404
    assert client.delete(f"/api/alerts/{alert['id']}", headers=me).status_code == 204
    assert client.get(f"/api/alerts/{alert['id']}", headers=me).status_code == 404
    assert client.get("/api/alerts", headers=me).json() == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"condition": {"type": "price_cross"}}, "price_cross needs a numeric price"),
        ({"condition": {"type": "moon"}}, "type must be price_cross"),
        ({"condition": {"type": "indicator", "expr": "__import__('os') > 1"}}, "Bad condition"),
        ({"condition": {"type": "indicator", "expr": "rsi_14 >> 70"}}, "unknown operator"),
        ({"condition": {"type": "indicator", "expr": "foo_9 > 1"}}, "not an indicator column"),
        ({"condition": {"type": "indicator", "expr": "1 > 2"}}, "at least one side"),
        ({"frequency": "hourly"}, "frequency"),
        ({"timeframe": "7x"}, "timeframe"),
        ({"expires": 1000.0}, "expires must be in the future"),
        ({"webhook_url": "ftp://example.com/x"}, "http:// or https://"),
        ({"webhook_url": "http://127.0.0.1:9/x"}, "ALERT_WEBHOOK_HOSTS"),
        ({"webhook_url": "http://10.0.0.8/x"}, "ALERT_WEBHOOK_HOSTS"),
    ],
)
def test_bad_alerts_are_422_naming_the_problem(client: httpx.Client, change: dict, words: str):
    answer = client.post("/api/alerts", json=alert_body(**change), headers=owner())
    assert answer.status_code == 422, answer.text
    assert words in answer.json()["detail"]


def test_an_alert_on_an_unknown_symbol_is_404(client: httpx.Client):
    answer = client.post("/api/alerts", json=alert_body(symbol="NOPE"), headers=owner())
    assert answer.status_code == 404
    assert "NOPE" in answer.json()["detail"]


def test_an_alert_past_its_expiry_is_expired(client: httpx.Client):
    me = owner()
    created = client.post("/api/alerts", json=alert_body(expires=time.time() + 1.5), headers=me)
    assert created.status_code == 201, created.text
    time.sleep(2.0)
    assert client.get(f"/api/alerts/{created.json()['id']}", headers=me).json()["state"] == (
        "expired"
    )
