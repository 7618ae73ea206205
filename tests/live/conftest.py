"""Real uvicorn servers over a tmp DATA_DIR whose CSV files the tests append to, and real
``websockets`` clients."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest

from tests.live_server import free_port, live_server

SYMBOL = "EURUSD"
START = pd.Timestamp("2024-01-01T00:00:00Z")
BARS = 400  # 1m bars: 00:00 .. 06:39


def write_minutes(path: Path, bars: int = BARS, seed: int = 1) -> None:
    """``bars`` 1m bars from START, times written as ISO text (as a broker export would)."""
    rng = np.random.default_rng(seed)
    close = 100 + np.cumsum(rng.normal(0, 0.5, bars))
    frame = pd.DataFrame(
        {
            "time": pd.date_range(START, periods=bars, freq="1min").strftime("%Y-%m-%dT%H:%MZ"),
            "open": np.round(close - 0.1, 4),
            "high": np.round(close + 1, 4),
            "low": np.round(close - 1, 4),
            "close": np.round(close, 4),
            "volume": rng.integers(100, 1000, bars).astype(float),
        }
    )
    frame.to_csv(path, index=False)


def row(minute: int, close: float, volume: float = 10.0) -> str:
    """A CSV line for the bar ``minute`` minutes after START."""
    time = (START + pd.Timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%MZ")
    return f"{time},{close - 0.1},{close + 1},{close - 1},{close},{volume}\n"


def append(path: Path, text: str) -> None:
    with open(path, "a") as handle:
        handle.write(text)


def server_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """The settings of a test server over ``data_dir`` (``settings`` added or overriding)."""
    return {
        "DATA_SOURCE": "csv",
        "DATA_DIR": str(data_dir),
        "CSV_PATH": str(data_dir / f"{SYMBOL}.csv"),
        "DEFAULT_SYMBOL": SYMBOL,
        "DEFAULT_TIMEFRAME": "1m",
        "EMA_PERIODS": "10,21",
        "LIVE_WATCH_DEBOUNCE_MS": "100",
        **settings,
    }


@contextmanager
def run_server(data_dir: Path, **settings: str) -> Iterator[str]:
    port = free_port()
    env = server_env(data_dir, **settings)
    args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1", "--port", str(port)]
    with live_server(args, port=port, health_path="/health", env=env) as base:
        yield base


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("live")
    write_minutes(folder / f"{SYMBOL}.csv")
    write_minutes(folder / "GBPUSD.csv", seed=2)
    return folder


@pytest.fixture(scope="session")
def server(data_dir: Path) -> Iterator[str]:
    with run_server(data_dir) as base:
        yield base


def api_bars(base: str, **params: object) -> list[dict]:
    response = httpx.get(base + "/api/ohlcv", params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def rewrite_last(path: Path, text: str) -> None:
    """The forming bar rewritten where it stands (the file's last line replaced)."""
    data = path.read_bytes()
    cut = data.rstrip(b"\n").rfind(b"\n") + 1
    with open(path, "r+b") as handle:
        handle.seek(cut)
        handle.write(text.encode())
        handle.truncate()


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://") + "/ws"


async def next_frame(ws, timeout: float = 5.0, kind: str | None = None) -> dict:
    """The next frame (of ``kind`` if given; ``status`` frames only when asked), or
    TimeoutError."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        frame = json.loads(await asyncio.wait_for(ws.recv(), max(left, 0.01)))
        if frame["type"] == kind or (kind is None and frame["type"] != "status"):
            return frame
