"""A real uvicorn serving app.main_fastapi on 127.0.0.1, over a tmp DATA_DIR holding the sample
symbol (5,000 1h bars), a 1,000,000-bar 1m symbol stored with microsecond times (the pandas-3
unit that blanks lightweight-charts-python's charts) and a file that cannot be parsed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.core.synthetic import synthetic_ohlcv
from tests.live_server import ROOT, free_port, live_server

BIG_SYMBOL = "big_1m"
BIG_BARS = 1_000_000
SMALL_SYMBOL = "sample_ohlcv"
SMALL_BARS = 5_000
BROKEN_SYMBOL = "broken"


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    shutil.copy(ROOT / "data" / "sample_ohlcv.csv", folder / f"{SMALL_SYMBOL}.csv")
    big = synthetic_ohlcv(BIG_BARS, "1m")
    big["time"] = big["time"].dt.as_unit("us")
    big.to_parquet(folder / f"{BIG_SYMBOL}.parquet")
    (folder / f"{BROKEN_SYMBOL}.csv").write_text("time,open,high,low,close\nyesterday,1,2,0,x\n")
    return folder


@pytest.fixture(scope="session")
def server(data_dir: Path) -> Iterator[str]:
    port = free_port()
    env = {
        "DATA_SOURCE": "csv",
        "DATA_DIR": str(data_dir),
        "CSV_PATH": str(data_dir / f"{SMALL_SYMBOL}.csv"),
        "DEFAULT_SYMBOL": SMALL_SYMBOL,
        "DEFAULT_TIMEFRAME": "1h",
        "EMA_PERIODS": "10,21,50,150",
    }
    args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1", "--port", str(port)]
    with live_server(args, port=port, health_path="/health", env=env) as base:
        yield base


@pytest.fixture(scope="session")
def api(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=120) as client:
        yield client
