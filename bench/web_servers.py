"""The servers the web cases share within one run: our FastAPI app and the hello-world floor."""

from __future__ import annotations

from bench.context import BenchContext
from bench.servers import Server, free_port, python_server, uvicorn_args


def server_env(ctx: BenchContext) -> dict[str, str]:
    """Settings for our front ends: the bench symbols, nothing from the developer's data/."""
    data = ctx.data
    return {
        "DATA_SOURCE": "csv",
        "DATA_DIR": str(data.symbols_dir),
        "CSV_PATH": str(data.small_parquet),
        "DEFAULT_SYMBOL": data.small_symbol,
        "DEFAULT_TIMEFRAME": "1h",
    }


def fastapi_server(ctx: BenchContext) -> Server:
    def start():
        port = free_port()
        return python_server(
            "fastapi", uvicorn_args("app.main_fastapi:app", port), port=port, env=server_env(ctx)
        )

    return ctx.shared("fastapi_server", start)


def hello_server(ctx: BenchContext) -> Server:
    def start():
        port = free_port()
        env = {"BENCH_FLOOR_BARS": str(ctx.data.small_parquet)}
        return python_server("hello", uvicorn_args("bench.hello_app:app", port), port=port, env=env)

    return ctx.shared("hello_server", start)
