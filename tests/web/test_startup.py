"""The FastAPI server refuses to start on bad settings, saying which variable and what it takes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.live_server import ROOT, free_port


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"DATA_SOURCE": "sql"}, ["DATA_SOURCE", "'csv', 'api' or 'exchange'", "'sql'"]),
        ({"EMA_PERIODS": "10,x"}, ["EMA_PERIODS", "2 to 1000"]),
        ({"DATA_SOURCE": "api", "DATA_API_BASE": ""}, ["DATA_API_BASE"]),
    ],
)
def test_bad_settings_stop_uvicorn_with_the_message(env, words):
    secret = "sk-test-NEVER-SHOWN"
    full_env = {**os.environ, "DATA_API_KEY": secret, **env}
    args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1"]
    result = subprocess.run(
        [sys.executable, *args, "--port", str(free_port())],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Super Chart cannot start" in output
    for word in words:
        assert word in output
    assert "Traceback" not in output
    assert secret not in output
