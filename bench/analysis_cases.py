"""Market analysis (issue #13): the whole analysis of a big history, and the 100-symbol scan."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import talib

from bench.context import BenchContext
from bench.measure import interleave, timed
from bench.table import Row

SCAN_SYMBOLS = 100
SCAN_BARS = 2_000
SCAN_WITHIN = 10


def _big_frame(ctx: BenchContext) -> pd.DataFrame:
    from app.core import read_ohlcv_file

    return ctx.shared("big_frame", lambda: read_ohlcv_file(ctx.data.big_parquet))


def analysis_big(ctx: BenchContext, case: str, target: float) -> Row:
    """Levels, spikes, signals and the summary over every bar, against one TA-Lib ATR pass (the
    cheapest indicator the analysis itself runs)."""
    from app.core.analysis import analyse

    frame = _big_frame(ctx)
    high, low, close = (frame[name].to_numpy() for name in ("high", "low", "close"))
    samples = interleave(
        timed(lambda: analyse(frame, symbol="bench", timeframe="1m", lookback=len(frame))),
        timed(lambda: talib.ATR(high, low, close, timeperiod=14)),
        repeats=ctx.sizes.core_repeats,
    )
    return Row(case, samples.ours_median, samples.floor_median, "s", target)


def _scan_dir(ctx: BenchContext) -> Path:
    from app.core.synthetic import synthetic_ohlcv

    folder = ctx.data_root / f"scan-{SCAN_SYMBOLS}x{SCAN_BARS}"
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(SCAN_SYMBOLS):
        path = folder / f"sym{number:03d}.parquet"
        if not path.exists():
            part = path.with_suffix(".tmp")
            synthetic_ohlcv(SCAN_BARS, "1h", seed=number).to_parquet(part)
            part.rename(path)
    return folder


def scan_100(ctx: BenchContext, case: str, target: float) -> Row:
    """The /api/scan work, cold (a new source each time, so every file is read): 100 symbols'
    last 10 bars' spikes and signals, against reading the same 100 files with pandas."""
    from app.config import load_settings
    from app.core import get_data_source, get_ohlcv
    from app.core.analysis import WARMUP_BARS
    from app.core.analysis.scanner import scan_symbols

    folder = _scan_dir(ctx)
    paths = sorted(folder.glob("*.parquet"))
    names = [path.stem for path in paths]

    def ours() -> None:
        settings = load_settings(
            data_source="csv", data_dir=folder, csv_path=paths[0], default_symbol=names[0]
        )
        get_data_source(settings)

        def load(symbol: str):
            return get_ohlcv(symbol, limit=SCAN_WITHIN + WARMUP_BARS, settings=settings)

        rows = scan_symbols(names, load, within=SCAN_WITHIN, budget_seconds=600)
        failed = [row.error for row in rows if row.error]
        if failed:
            raise RuntimeError(failed[0])

    samples = interleave(
        timed(ours),
        timed(lambda: [pd.read_parquet(path) for path in paths]),
        repeats=max(3, ctx.sizes.core_repeats // 2),
    )
    return Row(case, samples.ours_median, samples.floor_median, "s", target)
