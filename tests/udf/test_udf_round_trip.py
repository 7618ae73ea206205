"""Our UDF client (the ``udf`` source) reading our own /udf server: a symbol through the round
trip has the bars it has directly, so the server speaks the protocol the client expects."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live_server import free_port, live_server
from tests.udf.conftest import FLAT


@pytest.fixture(scope="module")
def client(tree_dir: Path) -> Iterator[httpx.Client]:
    port = free_port()
    env = {
        "DATA_SOURCE": "csv",
        "SOURCES": "files,udf",
        "FEED_FALLBACK": "",
        "UDF_URL": f"http://127.0.0.1:{port}/udf",  # ourselves
        "DATA_DIR": str(tree_dir),
        "CSV_PATH": str(tree_dir / f"{FLAT}.csv"),
        "DEFAULT_SYMBOL": FLAT,
        "CACHE_TTL": "0",
    }
    args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1", "--port", str(port)]
    with (
        live_server(args, port=port, health_path="/health", env=env) as base,
        httpx.Client(base_url=base, timeout=60) as http,
    ):
        yield http


@pytest.mark.parametrize(("symbol", "timeframe"), [(FLAT, "1h"), ("ALPACA/NFLX", "1d")])
def test_our_udf_client_reads_our_udf_server(client: httpx.Client, symbol, timeframe) -> None:
    params = {"timeframe": timeframe, "format": "columns", "emas": "", "limit": 300}
    direct = client.get("/api/ohlcv", params={"symbol": symbol, **params})
    assert direct.status_code == 200, direct.text
    columns = direct.json()["columns"]
    end = columns["time"][-1]
    through = client.get("/api/ohlcv", params={"symbol": f"UDF:{symbol}", "end": end, **params})
    assert through.status_code == 200, through.text
    assert through.headers["x-source"] == "udf"
    theirs = through.json()["columns"]
    for field in ("time", "open", "high", "low", "close", "volume"):
        assert theirs[field] == columns[field], field
