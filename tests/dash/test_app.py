"""The Dash server's own routes: health, the offline stylesheet, the page shell, how it starts."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from app.charts import theme
from app.dash_app import create_app
from tests.live_server import free_port, live_server, wait_for_http


@pytest.fixture
def client(data_dir):
    return create_app().server.test_client()


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_bootstrap_stylesheet_is_served_from_the_installed_package(client):
    page = client.get("/").get_data(as_text=True)
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert links and all(link.startswith("/") for link in links)  # nothing from a CDN
    css = client.get(links[0])
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert b"Bootstrap" in css.get_data()[:200] and b"v5.3" in css.get_data()[:200]
    assert 'data-bs-theme="dark"' in page


def test_runs_as_a_module_on_dash_host_and_port(data_dir):
    port = free_port()
    env = {"DASH_HOST": "127.0.0.1", "DASH_PORT": str(port)}
    args = ["-m", "app.main_dash"]
    with (
        live_server(args, port=port, health_path="/health", env=env) as base,
        urllib.request.urlopen(base + "/health", timeout=5) as response,
    ):
        assert json.load(response) == {"status": "ok"}


def test_bad_port_is_refused_with_the_variable_name(data_dir):
    result = subprocess.run(
        [sys.executable, "app/main_dash.py"],
        env={"PATH": "/usr/bin", "DASH_PORT": "eighty", "DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DASH_PORT" in result.stderr


ASSET_CSS = Path(__file__).resolve().parents[2] / "app" / "dash_app" / "assets" / "dash_theme.css"


def test_page_colours_come_from_the_chart_theme_only(client):
    """One source of truth: the served theme stylesheet is made from app/charts/theme.py, and the
    page's own CSS only refers to its variables (no colour typed in by hand)."""
    page = client.get("/").get_data(as_text=True)
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    served = {link: client.get(link) for link in links}
    generated = "".join(
        r.get_data(as_text=True) for link, r in served.items() if "bootstrap" not in link
    )
    expected = {
        "--bs-body-bg": theme.BACKGROUND,
        "--bs-body-color": theme.TEXT,
        "--bs-border-color": theme.BORDER,
        "--bs-secondary-bg": theme.PANEL,
        "--bs-primary": theme.EMA_PALETTE[0],
        "--sc-up": theme.UP,
        "--sc-down": theme.DOWN,
    }
    for name, colour in expected.items():
        assert re.search(rf"{name}:\s*{re.escape(colour)};", generated, re.I), name

    own = ASSET_CSS.read_text()
    assert not re.findall(r"#[0-9a-f]{3,8}\b|rgba?\(", own, re.I), "colour typed in by hand"
    used = set(re.findall(r"var\((--sc-[\w-]+)\)", own))
    assert used and all(f"{name}:" in generated for name in used)


def dockerfile_command() -> list[str]:
    """The Dash image's CMD, as the container runs it."""
    dockerfile = Path(__file__).resolve().parents[2] / "docker" / "Dockerfile.dash"
    [line] = [ln for ln in dockerfile.read_text().splitlines() if ln.startswith("CMD ")]
    return json.loads(line.removeprefix("CMD "))


def test_the_container_command_serves_the_app_with_gunicorn(data_dir):
    """Regression (#11 §5): the container ran Dash's development server."""
    command = dockerfile_command()
    assert "gunicorn" in " ".join(command)
    port = free_port()
    venv_bin = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": f"{venv_bin}:{os.environ.get('PATH', '/usr/bin')}",
        "DASH_HOST": "127.0.0.1",
        "DASH_PORT": str(port),
        "DASH_THREADS": "2",
    }
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/health", 60, process)
        with urllib.request.urlopen(base + "/", timeout=10) as response:
            assert response.headers["Server"].startswith("gunicorn")
        with urllib.request.urlopen(base + "/_dash-layout", timeout=30) as response:
            assert "sample_ohlcv" in response.read().decode()
    finally:
        process.terminate()
        try:
            output = process.communicate(timeout=20)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            process.kill()
            output = process.communicate()[0].decode(errors="replace")
    assert "Booting worker" in output and "development server" not in output


def test_pil_image_is_whole_before_the_server_answers():
    """plotly's JSON encoder reads sys.modules["PIL.Image"] without the import lock: imported
    lazily by the first thread to touch plotly.utils, it was half-made while another thread
    encoded a callback's answer (AttributeError, a 500 seen under load). The app imports it up
    front."""
    script = (
        "import sys; from app.dash_app import create_app; create_app(); "
        "print('PIL.Image' in sys.modules and hasattr(sys.modules['PIL.Image'], 'Image'))"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                          text=True, timeout=120, check=True)  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "True"
