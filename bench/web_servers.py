"""The servers the web cases share within one run: our FastAPI app and the hello-world floor."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pandas as pd

from bench.context import BenchContext
from bench.servers import Server, free_port, python_server, uvicorn_args

BAR_COLUMNS = ("time", "open", "high", "low", "close")


def server_env(ctx: BenchContext) -> dict[str, str]:
    """Settings for our front ends: the bench symbols, nothing from the developer's data/."""
    data = ctx.data
    return {
        "DATA_SOURCE": "csv",
        "DATA_DIR": str(data.symbols_dir),
        "DEFAULT_SYMBOL": data.small_symbol,
        "DEFAULT_TIMEFRAME": "1h",
    }


def fastapi_server(ctx: BenchContext) -> Server:
    """Our app; BENCH_FASTAPI_APP (module:attribute) swaps in a variant for an A/B profile."""
    app = os.environ.get("BENCH_FASTAPI_APP", "app.main_fastapi:app")

    def start():
        port = free_port()
        return python_server("fastapi", uvicorn_args(app, port), port=port, env=server_env(ctx))

    return ctx.shared("fastapi_server", start)


def hello_server(ctx: BenchContext) -> Server:
    def start():
        port = free_port()
        env = {"BENCH_FLOOR_BARS": str(floor_bars_json(ctx))}
        return python_server("hello", uvicorn_args("bench.hello_app:app", port), port=port, env=env)

    return ctx.shared("hello_server", start)


def floor_bars_json(ctx: BenchContext) -> Path:
    """The 5,000-bar symbol as Lightweight Charts bars, made with pandas and orjson only."""
    path = ctx.data.small_parquet.with_suffix(".floor.json")
    if not path.exists():
        frame = pd.read_parquet(ctx.data.small_parquet, columns=[*BAR_COLUMNS])
        times = frame["time"].dt.as_unit("s").astype("int64").to_numpy()
        bars = [
            dict(zip(BAR_COLUMNS, (int(t), *prices), strict=True))
            for t, *prices in zip(
                times, frame["open"], frame["high"], frame["low"], frame["close"], strict=True
            )
        ]
        path.write_bytes(orjson.dumps(bars))
    return path
