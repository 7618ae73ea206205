"""The benchmark harness runs: ``python -m bench --quick`` on the core cases prints a full table.

No timing is asserted (speed is watched by the benchmark itself, not by tests).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE_CASES = ("row CSV", "row Parquet", "EMAs on", "resample", "catalog indicators")
FIGURE = re.compile(r"^\d[\d,.]* ms$")


def test_quick_core_run_prints_one_table_with_figures(tmp_path: Path) -> None:
    only = [arg for case in CORE_CASES for arg in ("--only", case)]
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--data-dir", str(tmp_path), *only],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "| case | ours (median) | floor (median, same run) | ratio | target | ok |"
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    assert len(rows) == len(CORE_CASES), result.stdout
    for case, row in zip(CORE_CASES, rows, strict=True):
        name, ours, floor, ratio, _target, ok = row
        assert case in name
        assert FIGURE.match(ours) and FIGURE.match(floor), row
        assert float(ratio) > 0, row
        assert ok.startswith(("yes", "**NO**")), row
