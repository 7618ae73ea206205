"""The store's tests run twice: on SQLite (in the server's DATA_DIR) and on a private PostgreSQL
server (``tests.postgres_server``), each behind a real uvicorn."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live.conftest import SYMBOL, run_server, write_minutes
from tests.postgres_server import PostgresProcess, require_postgres


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresProcess]:
    server = PostgresProcess(require_postgres())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def store_server(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A server on ``backend``; with PostgreSQL, DATABASE_URL names the private server."""
    settings = {"STORE_MAX_LAYOUTS": "5", "STORE_WATCHLIST_MAX_SYMBOLS": "10"}
    if backend == "postgresql":
        settings["DATABASE_URL"] = request.getfixturevalue("postgres").url
    folder: Path = tmp_path_factory.mktemp(f"store-{backend}")
    write_minutes(folder / f"{SYMBOL}.csv")
    write_minutes(folder / "GBPUSD.csv", seed=2)
    with run_server(folder, **settings) as base:
        yield base


@pytest.fixture
def client(store_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=store_server, timeout=30) as http:
        yield http
