"""A real uvicorn with no LLM over a DATA_DIR of pairs in the spellings the v1 service's
clients meet (ETHUSDT, BTC_USDT, a 5-decimal FX pair), RESULTS_DIR in a temp folder."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.core.synthetic import synthetic_ohlcv
from tests.analysis.samples import spiky_volume, with_volume
from tests.live_server import ROOT, free_port, live_server

FX_DECIMALS = 5


def fx_pair(bars: int) -> object:
    """EURUSD-like quotes at 5 decimals."""
    frame = synthetic_ohlcv(bars, "1h", seed=11)
    prices = ["open", "high", "low", "close"]
    frame[prices] = (frame[prices] / frame["close"].iloc[0] * 1.08).round(FX_DECIMALS)
    frame["high"] = frame[prices].max(axis=1)
    frame["low"] = frame[prices].min(axis=1)
    return frame


@pytest.fixture(scope="session")
def v1_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("v1_data")
    shutil.copy(ROOT / "data" / "sample_ohlcv.csv", folder / "sample_ohlcv.csv")
    synthetic_ohlcv(3000, "1h", seed=3).to_csv(folder / "ETHUSDT.csv", index=False)
    with_volume(spiky_volume(1500)).to_parquet(folder / "BTC_USDT.parquet")
    fx_pair(1200).to_parquet(folder / "EURUSD.parquet")
    (folder / "broken.csv").write_text("time,open,high,low,close\nyesterday,1,2,0,x\n")
    return folder


@pytest.fixture(scope="session")
def v1_server(v1_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    env = {
        "DATA_SOURCE": "csv",
        "DATA_DIR": str(v1_data_dir),
        "CSV_PATH": str(v1_data_dir / "sample_ohlcv.csv"),
        "DEFAULT_SYMBOL": "sample_ohlcv",
        "DEFAULT_TIMEFRAME": "1h",
        "LLM_API_BASE": "",
        "LLM_API_KEY": "",
        "LLM_MODEL": "",
        "RESULTS_DIR": str(tmp_path_factory.mktemp("results")),
    }
    args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1", "--port", str(port)]
    with live_server(args, port=port, health_path="/health", env=env) as base:
        yield base


@pytest.fixture(scope="session")
def v1_api(v1_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=v1_server, timeout=60) as client:
        yield client
