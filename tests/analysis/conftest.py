"""A real uvicorn over a DATA_DIR of made-up symbols with known answers, and a real LLM stand-in
(tests/analysis/llm_stand_in.py) it is configured to call."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest

from app.core.synthetic import synthetic_ohlcv
from tests.analysis.llm_stand_in import StandIn, llm_stand_in
from tests.analysis.samples import range_bound, spiky_volume, with_volume
from tests.live_server import ROOT, free_port, live_server

LLM_KEY = "sk-test-5ecret-do-not-show-9f3a"
LLM_SYMBOLS = (
    "llm_ok",
    "llm_slow",
    "llm_500",
    "llm_refuse",
    "llm_echo",
    "llm_straddle",
    "llm_pieces",
    "llm_garbage",
    "llm_html",
)
LLM_TIMEOUT = 1.5


def fx_quotes(bars: int) -> pd.DataFrame:
    """EURUSD-like hourly quotes at 5 decimals (1.0xxxx)."""
    frame = range_bound(bars)
    prices = ["open", "high", "low", "close"]
    frame[prices] = (frame[prices] / 100 * 1.08).round(5)
    return frame


@pytest.fixture(scope="session")
def analysis_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("analysis_data")
    shutil.copy(ROOT / "data" / "sample_ohlcv.csv", folder / "sample_ohlcv.csv")
    range_bound(900).to_parquet(folder / "range.parquet")
    with_volume(spiky_volume(2000)).to_parquet(folder / "spiky.parquet")
    synthetic_ohlcv(50, "1d").to_parquet(folder / "short.parquet")
    fx_quotes(900).to_parquet(folder / "llm_fx.parquet")  # 5 decimals, for the LLM's facts
    for name in LLM_SYMBOLS:
        synthetic_ohlcv(700, "1h", seed=len(name)).to_parquet(folder / f"{name}.parquet")
    (folder / "broken.csv").write_text("time,open,high,low,close\nyesterday,1,2,0,x\n")
    return folder


@pytest.fixture(scope="session")
def stand_in() -> Iterator[StandIn]:
    with llm_stand_in() as record:
        yield record


@pytest.fixture(scope="session")
def analysis_server(analysis_data_dir: Path, stand_in: StandIn) -> Iterator[str]:
    port = free_port()
    env = {
        "DATA_SOURCE": "csv",
        "DATA_DIR": str(analysis_data_dir),
        "CSV_PATH": str(analysis_data_dir / "sample_ohlcv.csv"),
        "DEFAULT_SYMBOL": "sample_ohlcv",
        "DEFAULT_TIMEFRAME": "1h",
        "LLM_API_BASE": stand_in.base,
        "LLM_API_KEY": LLM_KEY,
        "LLM_MODEL": "stand-in-model",
        "LLM_TIMEOUT": str(LLM_TIMEOUT),
    }
    args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1", "--port", str(port)]
    with live_server(args, port=port, health_path="/health", env=env) as base:
        yield base


@pytest.fixture(scope="session")
def analysis_api(analysis_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=analysis_server, timeout=60) as client:
        yield client


@pytest.fixture(scope="session")
def server_log(analysis_server: str) -> Path:
    port = analysis_server.rsplit(":", 1)[1]
    return ROOT / f".pytest_cache/server-{port}.log"
