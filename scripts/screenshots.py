"""``make screenshots``: pictures of every front end on the sample data, for the README.

Starts the three front ends with the launcher (``python -m app.launcher``) on free ports, opens
each in Debian's Chromium (Playwright), waits for its chart to be drawn, and saves
``docs/page.png``, ``docs/streamlit.png`` and ``docs/dash.png``, plus ``docs/api-chart.png``
from ``GET /api/chart.png``. Each file is kept under ``MAX_BYTES`` (reduced to a palette PNG, and
made smaller if it must be), so the repository stays light.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHROMIUM = "/usr/bin/chromium"
MAX_BYTES = 300 * 1024
VIEWPORT = {"width": 1400, "height": 860}
START_TIMEOUT = 180.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"screenshots: {url} did not answer within {timeout:g} s")


def small_png(data: bytes) -> bytes:
    """``data`` as a PNG under MAX_BYTES: a 256-colour palette, then scaled down if needed."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    while True:
        buffer = io.BytesIO()
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
            buffer, format="PNG", optimize=True
        )
        if buffer.tell() <= MAX_BYTES or image.width < 600:
            return buffer.getvalue()
        image = image.resize((image.width * 4 // 5, image.height * 4 // 5), Image.LANCZOS)


def save(name: str, data: bytes) -> None:
    DOCS.mkdir(exist_ok=True)
    png = small_png(data)
    (DOCS / name).write_bytes(png)
    print(f"screenshots: docs/{name} {len(png) // 1024} KB", flush=True)


def shoot(ports: dict[str, int]) -> None:
    from playwright.sync_api import sync_playwright

    fastapi = f"http://127.0.0.1:{ports['fastapi']}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(f"{fastapi}/chart?symbol=sample_ohlcv&timeframe=4h&indicators=rsi,macd")
            page.wait_for_selector("canvas", timeout=60_000)
            page.wait_for_timeout(2500)
            save("page.png", page.screenshot())

            page.goto(f"http://127.0.0.1:{ports['streamlit']}/")
            page.wait_for_selector(".js-plotly-plot, iframe", timeout=120_000)
            page.wait_for_timeout(5000)
            save("streamlit.png", page.screenshot())

            page.goto(f"http://127.0.0.1:{ports['dash']}/")
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
            page.wait_for_timeout(3000)
            save("dash.png", page.screenshot())
        finally:
            browser.close()
    query = "symbol=sample_ohlcv&timeframe=4h&bars=300&indicators=rsi,macd&emas=10,21,50"
    with urllib.request.urlopen(f"{fastapi}/api/chart.png?{query}", timeout=120) as response:
        save("api-chart.png", response.read())


def main() -> int:
    ports = {name: free_port() for name in ("fastapi", "streamlit", "dash")}
    env = {
        **os.environ,
        "FASTAPI_PORT": str(ports["fastapi"]),
        "STREAMLIT_PORT": str(ports["streamlit"]),
        "DASH_PORT": str(ports["dash"]),
        "SUPERCHART_HOST": "127.0.0.1",
    }
    launcher = subprocess.Popen(
        [sys.executable, "-m", "app.launcher"], cwd=ROOT, env=env, start_new_session=True
    )
    try:
        wait_for(f"http://127.0.0.1:{ports['fastapi']}/health")
        wait_for(f"http://127.0.0.1:{ports['streamlit']}/_stcore/health")
        wait_for(f"http://127.0.0.1:{ports['dash']}/")
        shoot(ports)
    finally:
        launcher.send_signal(signal.SIGINT)  # the launcher stops every server it started
        try:
            launcher.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, signal.SIGKILL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
