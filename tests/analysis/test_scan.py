"""GET /api/scan on a real server, and the scanner's bounds in-process."""

from __future__ import annotations

import itertools

import httpx
import pytest

from app.core import DataError, build_view
from app.core.analysis.scanner import scan_symbols
from app.core.synthetic import synthetic_ohlcv
from tests.analysis.conftest import LLM_SYMBOLS


def test_every_symbol_is_listed_and_a_broken_file_has_its_error(
    analysis_api: httpx.Client,
) -> None:
    response = analysis_api.get("/api/scan", params={"within": 50})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["within"] == 50 and body["timeframe"] is None
    rows = {row["symbol"]: row for row in body["symbols"]}
    expected = {"broken", "range", "sample_ohlcv", "short", "spiky", "llm_fx", *LLM_SYMBOLS}
    assert set(rows) == expected
    assert rows["broken"]["error"] and rows["broken"]["signals"] == []
    for name in expected - {"broken"}:
        row = rows[name]
        assert row["error"] is None, row
        assert [s["name"] for s in row["signals"]] == [
            "trend",
            "rsi",
            "macd",
            "bollinger",
            "level",
        ]
    assert rows["range"]["timeframe"] == "1h" and rows["short"]["timeframe"] == "1d"


def test_scan_spikes_are_the_analysis_spikes_of_the_last_bars(analysis_api: httpx.Client) -> None:
    scan = analysis_api.get("/api/scan", params={"within": 200}).json()
    row = next(r for r in scan["symbols"] if r["symbol"] == "spiky")
    analysis = analysis_api.get("/api/analysis", params={"symbol": "spiky"}).json()
    first = analysis["as_of"] - 199 * 3600
    expected = [s for s in analysis["volume_spikes"] if s["time"] >= first]
    assert [s["time"] for s in row["volume_spikes"]] == [s["time"] for s in expected]
    for got, want in zip(row["volume_spikes"], expected, strict=True):
        # The same rule; pandas' rolling sums start at a different bar, so the last digits vary.
        assert got["std"] == pytest.approx(want["std"], rel=1e-9)
        assert got["mean"] == pytest.approx(want["mean"], rel=1e-9)
    assert len(expected) >= 1


def test_a_timeframe_finer_than_a_symbol_is_that_symbols_error(
    analysis_api: httpx.Client,
) -> None:
    body = analysis_api.get("/api/scan", params={"timeframe": "4h", "within": 5}).json()
    rows = {row["symbol"]: row for row in body["symbols"]}
    assert body["timeframe"] == "4h"
    assert rows["range"]["error"] is None and rows["range"]["timeframe"] == "4h"
    assert "1d" in rows["short"]["error"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [({"within": 0}, "within"), ({"within": 501}, "within"), ({"timeframe": "2y"}, "timeframe")],
)
def test_bad_scan_parameters_are_422(
    analysis_api: httpx.Client, params: dict, parameter: str
) -> None:
    response = analysis_api.get("/api/scan", params=params)
    assert response.status_code == 422
    assert response.json()["parameter"] == parameter


def _view(symbol: str):
    return build_view(synthetic_ohlcv(300), symbol=symbol)


def test_the_time_budget_lists_the_symbols_not_reached() -> None:
    ticks = itertools.count()
    rows = scan_symbols(
        ["a", "b", "c", "d"], _view, within=5, budget_seconds=2.5, clock=lambda: next(ticks)
    )
    assert [row.error is None for row in rows] == [True, True, False, False]
    assert "budget ran out" in rows[2].error


def test_an_unexpected_failure_is_one_rows_error(caplog: pytest.LogCaptureFixture) -> None:
    def load(symbol: str):
        if symbol == "bad":
            raise RuntimeError("boom")
        if symbol == "data":
            raise DataError("Column 'close' holds text in row 2.")
        return _view(symbol)

    rows = scan_symbols(["ok", "bad", "data"], load, within=5, budget_seconds=60)
    assert rows[0].error is None and rows[0].signals
    assert rows[1].error == "could not be analysed (internal error, logged)"
    assert rows[2].error == "Column 'close' holds text in row 2."
    assert "boom" in caplog.text
