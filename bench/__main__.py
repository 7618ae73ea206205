"""``python -m bench [--quick] [--only SUBSTRING] [--data-dir DIR]``: print the benchmark table.

Progress goes to stderr; stdout holds only the markdown table, ready to paste.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

from bench.cases import CASES, Case
from bench.context import FULL, QUICK, BenchContext
from bench.datasets import DEFAULT_DATA_DIR
from bench.load_generator import generator_name
from bench.table import Row, render_markdown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, few repeats: a smoke run"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SUBSTRING",
        help="run only cases whose name contains this (repeatable, any case)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help=f"where generated inputs are cached (default {DEFAULT_DATA_DIR})",
    )
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    args = parser.parse_args(argv)  # fmt: skip

    if args.list:
        print("\n".join(case.sized(QUICK if args.quick else FULL).name for case in CASES))
        return 0
    sizes = QUICK if args.quick else FULL
    wanted = [s.lower() for s in args.only]
    cases = [
        case
        for case in (c.sized(sizes) for c in CASES)
        if not wanted or any(s in case.name.lower() for s in wanted)
    ]
    if not cases:
        parser.error(f"no case matches {args.only}; --list shows them")

    _log(
        f"bench: {'quick' if args.quick else 'full'} run, {sizes.big_rows:,} big rows, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, "
        f"load generator {generator_name()}, data in {args.data_dir}"
    )
    context = BenchContext(sizes, args.data_dir)
    rows: list[Row] = []
    try:
        for case in cases:
            rows.append(_run_case(case, context))
    finally:
        context.close()
    print(render_markdown(rows))
    return 0


def _run_case(case: Case, context: BenchContext) -> Row:
    missing = [name for name in case.needs if importlib.util.find_spec(name) is None]
    if missing:
        _log(f"- {case.name}: skipped, {', '.join(missing)} not there yet")
        return _not_run(case, f"{', '.join(missing)} not landed")
    _log(f"- {case.name} ...")
    start = time.perf_counter()
    try:
        row = case.run(context, case.name, case.target)
    except NotImplementedError as exc:
        _log(f"  not implemented: {exc!r}")
        return _not_run(case, "core function not implemented yet")
    except Exception as exc:  # a broken case must not hide the others' figures
        _log(f"  failed: {type(exc).__name__}: {exc}")
        return _not_run(case, f"failed: {type(exc).__name__}: {str(exc)[:120]}")
    _log(f"  {' | '.join(row.cells()[1:])}  ({time.perf_counter() - start:.0f} s)")
    return row


def _not_run(case: Case, note: str) -> Row:
    if case.budget:
        return Row(case.name, None, None, "s", None, budget=case.target, note=note)
    return Row(case.name, None, None, "s", case.target, case.higher_is_better, note=note)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
