"""The dashboard's REST API source, against a real local HTTP server standing in for the broker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.core.fake_broker import Answer, FakeBroker
from tests.streamlit.app_views import candles, errors, figure, run_app
from tests.streamlit.ohlcv_samples import ohlcv_frame

KEY = "sk-live-STREAMLIT-5e4d3c"


@pytest.fixture
def broker(data_dir, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBroker]:
    with FakeBroker() as server:
        monkeypatch.setenv("DATA_API_BASE", server.base_url)
        monkeypatch.setenv("DATA_API_KEY", KEY)
        monkeypatch.setenv("REQUEST_TIMEOUT", "2")
        yield server


def broker_bars(rows: int) -> list[dict]:
    frame = ohlcv_frame(rows, seed=11)
    frame["time"] = frame["time"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return frame.to_dict(orient="records")


def test_api_source_draws_the_brokers_symbol(broker):
    broker.script("symbols", Answer(200, {"data": [{"symbol": "AAPL"}, {"symbol": "MSFT"}]}))
    broker.script("ohlcv", Answer(200, broker_bars(200)))
    at = run_app()
    assert at.radio(key="source").options[-1] == "REST API"
    at.radio(key="source").set_value("api").run()
    assert [o.split()[0] for o in at.selectbox(key="symbol").options] == ["AAPL", "MSFT"]
    assert len(candles(figure(at))["x"]) == 200
    assert not errors(at)
    [request] = [r for r in broker.requests if r.path.endswith("/ohlcv")]
    assert request.query["symbol"] == "AAPL"
    assert request.headers["Authorization"] == f"Bearer {KEY}"


def test_refused_key_is_shown_without_the_key_and_files_still_work(broker):
    broker.script("symbols", Answer(401, {"detail": f"bad token Bearer {KEY}"}))
    at = run_app()
    at.radio(key="source").set_value("api").run()
    assert not at.exception
    [message] = errors(at)
    assert KEY not in message
    assert "key" in message.lower() or "401" in message
    at.radio(key="source").set_value("csv").run()
    assert len(candles(figure(at))["x"]) == 300
    assert not errors(at)


def test_api_source_is_not_offered_without_data_api_base(data_dir):
    at = run_app()
    assert "REST API" not in at.radio(key="source").options
