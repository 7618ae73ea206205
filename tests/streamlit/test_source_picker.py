"""The dashboard's source picker: every source in SOURCES, its symbols as they reach it."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

from tests.sources.market_stand_in import SAMPLE_CSV, MarketStandIn
from tests.streamlit.app_views import candles, errors, figure, run_app

CSV = pd.read_csv(SAMPLE_CSV)


@pytest.fixture
def market(data_dir, monkeypatch: pytest.MonkeyPatch) -> Iterator[MarketStandIn]:
    with MarketStandIn() as server:
        monkeypatch.setenv("SOURCES", "files,pyth,binance")
        monkeypatch.setenv("PYTH_URL", server.udf_url)
        monkeypatch.setenv("BINANCE_URL", server.url)
        monkeypatch.setenv("REQUEST_TIMEOUT", "2")
        yield server


def test_pyth_is_picked_and_its_symbols_drawn(market):
    at = run_app()
    assert at.radio(key="source").options[-2:] == ["Pyth Benchmarks", "Binance"]
    at.radio(key="source").set_value("pyth").run()
    options = [o.split()[0] for o in at.selectbox(key="symbol").options]
    assert options == ["PYTH:Crypto.BTC/USD", "PYTH:Equity.US.AAPL/USD", "PYTH:FX.EUR/USD"]
    assert len(candles(figure(at))["x"]) > 0 and not errors(at)
    metrics = {m.label: m for m in at.metric}
    last = float(metrics["Last close"].value.replace(",", ""))
    assert last == pytest.approx(CSV["close"].iloc[-1], abs=0.006)
    assert market.asked("udf", "/history")


def test_a_source_that_is_down_is_an_error_and_files_still_work(market):
    market.mode["binance"] = "down"
    at = run_app()
    at.radio(key="source").set_value("binance").run()
    assert not at.exception
    [message] = errors(at)
    assert "Binance" in message and "503" in message
    at.radio(key="source").set_value("csv").run()
    assert len(candles(figure(at))["x"]) == 300 and not errors(at)
