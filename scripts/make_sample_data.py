"""Write data/sample_ohlcv.csv: 5,000 synthetic hourly bars (deterministic; see app.core.synthetic).

Run with ``python -m scripts.make_sample_data`` (``make sample-data``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.core.synthetic import synthetic_ohlcv

DEFAULT_PATH = Path("data/sample_ohlcv.csv")
BARS = 5_000
TIMEFRAME = "1h"
SEED = 7
START = "2024-01-01"


def write_sample(path: Path = DEFAULT_PATH, bars: int = BARS) -> Path:
    frame = synthetic_ohlcv(bars, timeframe=TIMEFRAME, seed=SEED, start=START)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, date_format="%Y-%m-%dT%H:%M:%SZ", lineterminator="\n")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--bars", type=int, default=BARS)
    args = parser.parse_args(argv)
    path = write_sample(args.out, args.bars)
    print(f"wrote {args.bars:,} bars to {path} ({path.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
