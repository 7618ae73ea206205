"""Fixtures for the dashboard tests: DATA_DIR with one small symbol, settings pointing at it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.streamlit.ohlcv_samples import ohlcv_csv


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """DATA_DIR with one 300-bar hourly symbol, ``sample_ohlcv`` (the default symbol)."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "sample_ohlcv.csv").write_bytes(ohlcv_csv(300))
    monkeypatch.setenv("DATA_DIR", str(folder))
    monkeypatch.setenv("CSV_PATH", str(folder / "sample_ohlcv.csv"))
    monkeypatch.setenv("DATA_SOURCE", "csv")
    monkeypatch.setenv("DEFAULT_SYMBOL", "sample_ohlcv")
    monkeypatch.setenv("DEFAULT_TIMEFRAME", "1h")
    monkeypatch.setenv("EMA_PERIODS", "10,21,50,150")
    monkeypatch.delenv("DATA_API_BASE", raising=False)
    # No Chromium for the PNG export unless a test asks for it (tests/streamlit/test_png.py):
    # AppTest runs in the test process, which should not start a browser for every module.
    monkeypatch.setenv("CHROMIUM_PATH", str(folder / "no-chromium"))
    return folder
