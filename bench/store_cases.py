"""The watchlist and alert cases: ``/api/quotes`` for 100 symbols, warm, against the hello-world
route; an alert's WS frame against the bar's own update frame, 1,000 alerts armed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from bench.context import BenchContext
from bench.http_cases import Client
from bench.measure import interleave, timed
from bench.servers import Server, free_port, python_server, uvicorn_args
from bench.table import Row
from bench.web_servers import hello_server

QUOTE_SYMBOLS = 100
QUOTE_BARS = 20_000  # 1m bars per symbol: two weeks
QUOTES_TARGET_S = 0.050  # the figure


def write_symbols(folder: Path, count: int, bars: int) -> list[str]:
    """``count`` CSV files of ``bars`` 1m bars each (made once per data folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"Q{i:03d}" for i in range(count)]
    start = pd.Timestamp("2024-01-01T00:00:00Z")
    for i, name in enumerate(names):
        path = folder / f"{name}.csv"
        if path.exists():
            continue
        rng = np.random.default_rng(i)
        close = 100 + np.cumsum(rng.normal(0, 0.2, bars))
        pd.DataFrame(
            {
                "time": pd.date_range(start, periods=bars, freq="1min").strftime("%Y-%m-%dT%H:%MZ"),
                "open": close.round(4),
                "high": (close + 0.5).round(4),
                "low": (close - 0.5).round(4),
                "close": close.round(4),
                "volume": rng.integers(100, 1000, bars),
            }
        ).to_csv(path, index=False)
    return names


def store_server(ctx: BenchContext, name: str, folder: Path, **settings: str) -> Server:
    def start():
        port = free_port()
        env = {
            "DATA_SOURCE": "csv",
            "DATA_DIR": str(folder),
            "DEFAULT_SYMBOL": "Q000",
            "DEFAULT_TIMEFRAME": "1m",
            **settings,
        }
        return python_server(name, uvicorn_args("app.main_fastapi:app", port), port=port, env=env)

    return ctx.shared(name, start)


def quotes_100_warm(ctx: BenchContext, case: str, target: float | None) -> Row:
    folder = ctx.data_root / "quotes"
    names = write_symbols(folder, QUOTE_SYMBOLS, QUOTE_BARS)
    ours, hello = Client(store_server(ctx, "quotes", folder)), Client(hello_server(ctx))
    path = "/api/quotes?symbols=" + ",".join(names)
    try:
        ours.get(path)  # the files read once: warm from here on
        samples = interleave(
            timed(lambda: ours.get(path)),
            timed(lambda: hello.get("/hello")),
            repeats=ctx.sizes.latency_requests,
            warmup=5,
        )
    finally:
        ours.close()
        hello.close()
    verdict = "under" if samples.ours_median < QUOTES_TARGET_S else "**OVER**"
    return Row(
        case,
        samples.ours_median,
        samples.floor_median,
        "s",
        target,
        note=f"{verdict} the issue's 50 ms; floor: hello-world",
    )
