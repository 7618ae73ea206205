"""Real uvicorn servers with access settings, over a small DATA_DIR (the sample symbol), and a
real ``websockets`` client that reports how the server answered the upgrade."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import websockets
from websockets.exceptions import InvalidStatus

from tests.live_server import ROOT, free_port, live_server

SYMBOL = "sample_ohlcv"
TOKEN_A = "alpha-token-0123456789"
TOKEN_B = "bravo-token-9876543210"


@pytest.fixture(scope="session")
def access_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("access_data")
    shutil.copy(ROOT / "data" / "sample_ohlcv.csv", folder / f"{SYMBOL}.csv")
    return folder


def server_settings(data_dir: Path) -> dict[str, str]:
    return {
        "DATA_SOURCE": "csv",
        "DATA_DIR": str(data_dir),
        "CSV_PATH": str(data_dir / f"{SYMBOL}.csv"),
        "DEFAULT_SYMBOL": SYMBOL,
        "DEFAULT_TIMEFRAME": "1h",
        "EMA_PERIODS": "10,21",
    }


@contextmanager
def serve(data_dir: Path, *extra_args: str, **settings: str) -> Iterator[tuple[str, Path]]:
    """``(base URL, log file)`` of a uvicorn with ``settings``; uvicorn's own X-Forwarded-For
    handling is off (``--no-proxy-headers``), so TRUSTED_PROXIES is the only rule, as in
    our launcher and container."""
    port = free_port()
    env = {**server_settings(data_dir), **settings}
    args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--no-proxy-headers", *extra_args]
    with live_server(args, port=port, health_path="/health", env=env) as base:
        yield base, ROOT / f".pytest_cache/server-{port}.log"


def ws_base(base: str) -> str:
    return base.replace("http://", "ws://") + "/ws"


async def ws_answer(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, str]:
    """Open a WebSocket: ``(101, {}, first frame)`` when it opens (after asking for a snapshot),
    else the HTTP status, headers and body the server refused the upgrade with."""
    try:
        async with websockets.connect(url, additional_headers=headers, open_timeout=10) as ws:
            await ws.send(json.dumps({"type": "subscribe", "symbol": SYMBOL, "timeframe": "1h"}))
            return 101, {}, str(await ws.recv())
    except InvalidStatus as exc:
        response = exc.response
        return response.status_code, dict(response.headers), response.body.decode()
