"""One real ``streamlit run app/main_streamlit.py`` on 127.0.0.1 for browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.live_server import free_port, live_server


@contextmanager
def streamlit_app(csv: Path, *, refresh_s: str = "1", **env: str) -> Iterator[str]:
    """The Streamlit app on the CSV ``csv`` (its folder the data folder, its stem the default
    symbol, 1h), checking for new bars every ``refresh_s`` seconds ("0": never, so no redraw
    comes under a test's clicks); ``env`` adds or overrides settings. Yields the base URL."""
    port = free_port()
    settings = {
        "DATA_DIR": str(csv.parent),
        "CSV_PATH": str(csv),
        "DATA_SOURCE": "csv",
        "DEFAULT_SYMBOL": csv.stem,
        "DEFAULT_TIMEFRAME": "1h",
        "DATA_API_BASE": "",
        "STREAMLIT_REFRESH_S": refresh_s,
        **env,
    }
    args = [
        "-m", "streamlit", "run", "app/main_streamlit.py",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with live_server(args, port=port, health_path="/_stcore/health", env=settings) as base:
        yield base
