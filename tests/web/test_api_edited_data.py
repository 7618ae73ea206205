"""/api/ohlcv over a data folder the test writes and rewrites: what the loader fixed is shown
(notices), and an answer follows its file when the file changes (nothing stale is served)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live_server import free_port, live_server

HEADER = "time,open,high,low,close,volume\n"


def write_bars(path: Path, closes: list[float], *, order: list[int] | None = None) -> None:
    rows = [
        f"2024-01-01T{hour:02d}:00:00Z,{close},{close + 1},{close - 1},{close},10\n"
        for hour, close in enumerate(closes)
    ]
    path.write_text(HEADER + "".join(rows[i] for i in (order or range(len(rows)))))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("edited")
    write_bars(folder / "unsorted.csv", [10, 11, 12, 13], order=[0, 2, 1, 3])
    write_bars(folder / "edited.csv", [20, 21, 22, 23])
    return folder


@pytest.fixture(scope="module")
def api(folder: Path) -> Iterator[httpx.Client]:
    port = free_port()
    env = {"DATA_SOURCE": "csv", "DATA_DIR": str(folder), "DEFAULT_SYMBOL": "edited"}
    args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1", "--port", str(port)]
    with (
        live_server(args, port=port, health_path="/health", env=env) as base,
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        yield client


def test_columns_meta_and_records_header_carry_the_loader_notices(api):
    columns = api.get("/api/ohlcv", params={"symbol": "unsorted", "format": "columns"}).json()
    assert columns["columns"]["close"] == [10, 11, 12, 13]  # sorted by time
    [notice] = columns["notices"]
    assert notice.startswith("unsorted.csv: rows were not in time order")
    assert "sorted them by time" in notice
    records = api.get("/api/ohlcv", params={"symbol": "unsorted"})
    assert json.loads(records.headers["X-Notices"]) == [notice]


def test_a_clean_file_has_no_notices(api):
    columns = api.get("/api/ohlcv", params={"symbol": "edited", "format": "columns"}).json()
    assert columns["notices"] == []
    assert "X-Notices" not in api.get("/api/ohlcv", params={"symbol": "edited"}).headers


@pytest.mark.parametrize("format", ["records", "columns"])
def test_an_answer_follows_its_file_when_it_is_rewritten(api, folder, format):
    path = folder / "edited.csv"
    write_bars(path, [20, 21, 22, 23])
    params = {"symbol": "edited", "emas": "2", "format": format}
    first = api.get("/api/ohlcv", params=params)
    assert api.get("/api/ohlcv", params=params).content == first.content  # warm repeat
    write_bars(path, [30, 31, 32, 33, 34])
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    second = api.get("/api/ohlcv", params=params)
    assert second.headers["ETag"] != first.headers["ETag"]
    closes = (
        second.json()["columns"]["close"]
        if format == "columns"
        else [bar["close"] for bar in second.json()]
    )
    assert closes == [30, 31, 32, 33, 34]
    stale = api.get("/api/ohlcv", params=params, headers={"If-None-Match": first.headers["ETag"]})
    assert stale.status_code == 200
