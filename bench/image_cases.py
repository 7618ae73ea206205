"""Chart images: our warm-Chromium PNG against mplfinance's ``savefig`` PNG of the same bars.

Ours is ``render_chart_image`` (Plotly figure -> Kaleido -> the warm Chromium), timed from the
view to the PNG bytes. The floor is mplfinance (matplotlib, Agg), the usual way to get a candle
PNG in Python: the same bars, volume, the two EMAs as lines and, with panes, RSI and MACD in
panels of their own, saved at the same pixel size. The seed's chart service took 10-20 s.
"""

from __future__ import annotations

import io
from functools import partial

import numpy as np
import pandas as pd

from bench.context import BenchContext
from bench.measure import interleave, timed
from bench.table import Row

WIDTH, HEIGHT, DPI = 1200, 700, 100
EMAS = (10, 21)
PANES = "rsi:14,macd:12:26:9"
HISTORY = 10_000  # synthetic 1h bars the windows are cut from


def _view(ctx: BenchContext, bars: int, panes: bool):
    from app.core import build_view
    from app.core.synthetic import synthetic_ohlcv

    frame = ctx.shared("image_history", lambda: synthetic_ohlcv(HISTORY, "1h"))
    return build_view(
        frame, symbol="BENCH", emas=EMAS, indicators=PANES if panes else "", limit=bars
    )


def _renderer(ctx: BenchContext):
    from app.images import ChartRenderer, find_browser

    def make():
        path = find_browser(None)
        if path is None:
            raise RuntimeError("Chromium not found (apt-get install chromium)")
        renderer = ChartRenderer(path, workers=1, queue=0, timeout=60)
        renderer.start(warm=True)
        return _Closing(renderer)

    return ctx.shared("image_renderer", make).renderer


class _Closing:
    """The renderer as a context manager, so the run closes its browser."""

    def __init__(self, renderer) -> None:
        self.renderer = renderer

    def __enter__(self) -> _Closing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.renderer.close()


def _ours(view, renderer) -> bytes:
    from app.charts.images import render_chart_image

    return render_chart_image(view, width=WIDTH, height=HEIGHT, renderer=renderer)


def _mplfinance(view, panes: bool) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import mplfinance as mpf

    frame = view.frame
    data = pd.DataFrame(
        {
            "Open": frame["open"].to_numpy(),
            "High": frame["high"].to_numpy(),
            "Low": frame["low"].to_numpy(),
            "Close": frame["close"].to_numpy(),
            "Volume": frame["volume"].to_numpy(),
        },
        index=pd.DatetimeIndex(frame["time"].dt.tz_convert(None)),
    )
    lines = [mpf.make_addplot(frame[f"ema_{p}"].to_numpy(), width=1.2) for p in EMAS]
    ratios = (3, 1)
    if panes:
        lines.append(mpf.make_addplot(frame["rsi_14"].to_numpy(), panel=2, ylabel="RSI"))
        for column in ("macd_12_26_9", "macd_signal_12_26_9"):
            lines.append(mpf.make_addplot(frame[column].to_numpy(), panel=3, ylabel="MACD"))
        hist = frame["macd_hist_12_26_9"].to_numpy()
        lines.append(mpf.make_addplot(hist, panel=3, type="bar", color="gray"))
        ratios = (3, 1, 1, 1)
    buffer = io.BytesIO()
    mpf.plot(
        data,
        type="candle",
        volume=True,
        style="nightclouds",
        addplot=lines,
        panel_ratios=ratios,
        figsize=(WIDTH / DPI, HEIGHT / DPI),
        savefig={"fname": buffer, "format": "png", "dpi": DPI},
        warn_too_much_data=len(data) + 1,
    )
    plt.close("all")
    return buffer.getvalue()


def image_vs_mplfinance(
    ctx: BenchContext, case: str, target: float, *, bars: int, panes: bool
) -> Row:
    view = _view(ctx, bars, panes)
    renderer = _renderer(ctx)
    png = _ours(view, renderer)
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert np.isfinite(view.frame["close"]).all()
    samples = interleave(
        timed(partial(_ours, view, renderer)),
        timed(partial(_mplfinance, view, panes)),
        repeats=ctx.sizes.core_repeats,
    )
    note = f"{WIDTH}x{HEIGHT} PNG, {len(png) // 1024} KB; floor: mplfinance savefig"
    return Row(case, samples.ours_median, samples.floor_median, "s", target, note=note)


def image_case(bars: int, panes: bool):
    return partial(image_vs_mplfinance, bars=bars, panes=panes)
