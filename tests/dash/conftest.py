"""DATA_DIR with two hourly symbols, and settings pointing at it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dash.samples import ohlcv_csv

SMALL_BARS = 300


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``sample_ohlcv`` (300 hourly bars, the default symbol) and ``long`` (5,000 hourly bars,
    more than one figure carries)."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "sample_ohlcv.csv").write_bytes(ohlcv_csv(SMALL_BARS))
    (folder / "long.csv").write_bytes(ohlcv_csv(5000, seed=11))
    monkeypatch.setenv("DATA_DIR", str(folder))
    monkeypatch.setenv("CSV_PATH", str(folder / "sample_ohlcv.csv"))
    monkeypatch.setenv("DATA_SOURCE", "csv")
    monkeypatch.setenv("DEFAULT_SYMBOL", "sample_ohlcv")
    monkeypatch.setenv("DEFAULT_TIMEFRAME", "1h")
    monkeypatch.setenv("EMA_PERIODS", "10,21,50,150")
    monkeypatch.setenv("UPLOAD_MAX_MB", "50")
    monkeypatch.delenv("DATA_API_BASE", raising=False)
    return folder
