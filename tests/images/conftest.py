"""A real uvicorn (app.main_fastapi) with a real warm Chromium, over a tmp DATA_DIR holding the
sample symbol; and helpers to read what a picture shows (its PNG header, its pixels)."""

from __future__ import annotations

import os
import shutil
import struct
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest

from app.images import find_browser
from tests.live_server import ROOT, free_port, live_server

SYMBOL = "sample_ohlcv"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def require_chromium() -> None:
    """Skip without Chromium locally; fail in CI (REQUIRE_BROWSER=1), where it must be there."""
    if find_browser(None) is None:
        message = "Chromium not found (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk; fails the test if it is not a PNG."""
    assert data[:8] == PNG_SIGNATURE, data[:16]
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="session")
def image_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("image-data")
    shutil.copy(ROOT / "data" / "sample_ohlcv.csv", folder / f"{SYMBOL}.csv")
    return folder


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "DATA_SOURCE": "csv",
        "DATA_DIR": str(data_dir),
        "CSV_PATH": str(data_dir / f"{SYMBOL}.csv"),
        "DEFAULT_SYMBOL": SYMBOL,
        "DEFAULT_TIMEFRAME": "1h",
        "EMA_PERIODS": "10,21",
        **extra,
    }


def uvicorn_server(env: dict[str, str]) -> AbstractContextManager[str]:
    port = free_port()
    args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1", "--port", str(port)]
    return live_server(args, port=port, health_path="/health", env=env)


@pytest.fixture(scope="session")
def image_api(image_data_dir: Path) -> Iterator[httpx.Client]:
    require_chromium()
    with (
        uvicorn_server(server_env(image_data_dir)) as base,
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        yield client
