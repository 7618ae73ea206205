"""The analysis bench cases run and print figures (no timing asserted: the bench watches speed)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIGURE = re.compile(r"^\d[\d,.]* ms$")
CASES = ("analysis (levels, spikes, signals)",)  # the scan case writes 100 files: bench only


@pytest.mark.slow
def test_quick_analysis_bench_prints_figures(tmp_path: Path) -> None:
    only = [arg for case in CASES for arg in ("--only", case)]
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--data-dir", str(tmp_path), *only],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in result.stdout.strip().splitlines()[2:]
    ]
    assert [row[0].split(" on ")[0] for row in rows] == list(CASES)
    for _name, ours, floor, ratio, _target, ok in rows:
        assert FIGURE.match(ours) and FIGURE.match(floor), rows
        assert float(ratio) > 0 and ok.startswith(("yes", "**NO**")), rows
