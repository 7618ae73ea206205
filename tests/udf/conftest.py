"""A real uvicorn over a DATA_DIR holding folders of timeframes beside flat files (two groups with
one symbol name, a symbol with 1h and 1d files), a name clash and a link leading out of it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from app.core.synthetic import synthetic_ohlcv
from tests.live_server import free_port, live_server

HOURS = synthetic_ohlcv(24 * 400, "1h", seed=41)  # 400 days of hours
DAYS = synthetic_ohlcv(400, "1d", seed=42)  # its own daily file (not the hours aggregated)
FLAT = "GOOG"
FLAT_BARS = synthetic_ohlcv(6000, "1h", seed=43)
MINUTES = "MINUTES"  # more 1m bars than /udf/history's cap


@pytest.fixture(scope="session")
def tree_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("trees") / "data"
    (data / "ALPACA" / "NFLX" / "1h").mkdir(parents=True)
    (data / "ALPACA" / "NFLX" / "1d").mkdir()
    HOURS.to_parquet(data / "ALPACA" / "NFLX" / "1h" / "nflx_1h.parquet", index=False)
    DAYS.to_csv(data / "ALPACA" / "NFLX" / "1d" / "nflx_1d.csv", index=False)
    (data / "IEX" / "NFLX" / "1h").mkdir(parents=True)
    HOURS.iloc[:500].to_csv(data / "IEX" / "NFLX" / "1h" / "nflx.csv", index=False)
    (data / "ALPACA" / "AAPL" / "1d").mkdir(parents=True)
    DAYS.to_csv(data / "ALPACA" / "AAPL" / "1d" / "aapl.csv", index=False)
    quotes = FLAT_BARS.copy()
    for column in ("open", "high", "low", "close"):  # quoted in cents: 2 decimals
        quotes[column] = np.round(quotes[column], 2)
    quotes["high"] = quotes[["open", "high", "close"]].max(axis=1)
    quotes["low"] = quotes[["open", "low", "close"]].min(axis=1)
    quotes.to_csv(data / f"{FLAT}.csv", index=False)
    synthetic_ohlcv(100_500, "1m", seed=44).to_parquet(data / f"{MINUTES}.parquet", index=False)
    FLAT_BARS.to_csv(data / "garbage.csv", index=False)
    FLAT_BARS.iloc[:10].to_parquet(data / "garbage.parquet", index=False)
    secret = data.parent / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/bin/sh\n")
    os.symlink(secret, data / "passwd.csv")
    return data


@pytest.fixture(scope="session")
def tree_server(tree_dir: Path) -> Iterator[str]:
    port = free_port()
    env = {
        "DATA_SOURCE": "csv",
        "DATA_DIR": str(tree_dir),
        "CSV_PATH": str(tree_dir / f"{FLAT}.csv"),
        "DEFAULT_SYMBOL": FLAT,
        "DEFAULT_TIMEFRAME": "1h",
        "EMA_PERIODS": "10,21",
        "UDF_ALLOW_ORIGINS": "https://pro.openbb.co",
    }
    args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1", "--port", str(port)]
    with live_server(args, port=port, health_path="/health", env=env) as base:
        yield base


@pytest.fixture(scope="session")
def client(tree_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=tree_server, timeout=60) as http:
        yield http
