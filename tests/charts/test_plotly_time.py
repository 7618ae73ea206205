"""The Plotly engine's time axis (#20): bars side by side across weekends and nights, dates on
the axis and in the hover, and a price axis that never goes under zero for positive prices."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import pytest
from plotly.io.json import to_json_plotly

from app.charts.images import image_figure
from app.charts.plotly_charts import PRICE_TRACE, VOLUME_TRACE, build_plotly_figure
from app.charts.plotly_overlays import SPIKES_TRACE, add_volume_spikes
from app.charts.plotly_time import time_ticks
from app.core import build_view
from app.core.analysis import find_volume_spikes
from app.core.synthetic import synthetic_ohlcv

PLOTLY_JS = Path(__import__("plotly").__file__).parent / "package_data" / "plotly.min.js"


def hourly_fx() -> pd.DataFrame:
    """EURUSD-like hourly bars, Monday to Friday: a 48-hour hole every weekend."""
    frame = synthetic_ohlcv(24 * 60, timeframe="1h", seed=4)
    frame = frame[frame["time"].dt.day_of_week < 5].reset_index(drop=True)
    prices = ["open", "high", "low", "close"]
    frame[prices] = frame[prices] / 80
    return frame


def monthly_rocket() -> pd.DataFrame:
    """A BTCUSD-like monthly file: 5 to 100,000 over 12 years (Plotly's autorange went under 0)."""
    times = pd.date_range("2012-01-01", periods=150, freq="MS", tz="UTC")
    close = np.exp(np.linspace(np.log(5), np.log(100_000), 150)) * (
        1 + 0.2 * np.sin(np.arange(150) / 5)
    )
    return pd.DataFrame({"time": times, "open": close * 0.95, "high": close * 1.1,
                         "low": close * 0.85, "close": close,
                         "volume": np.linspace(1e3, 1e6, 150)})  # fmt: skip


def fx_figure():
    view = build_view(hourly_fx(), symbol="EURUSD", emas=(10, 50), indicators="bb,stoch")
    return view, build_plotly_figure(view, offered_emas=(10, 50))


def test_hourly_fx_with_weekends_closed_has_no_gap_and_dates_on_the_axis():
    view, figure = fx_figure()
    times = view.frame["time"]
    assert (times.diff().dt.total_seconds().max()) > 2 * 86400  # the data has weekend holes
    candles = figure.data[0]
    for trace in figure.data:  # every trace on the bars' positions: candles, lines, panes
        x = np.asarray(trace.x)
        if trace.name == VOLUME_TRACE:  # each bar's left and right edges
            np.testing.assert_allclose((x[0::2] + x[1::2]) / 2, candles.x)
            continue
        assert x.dtype.kind == "i" and np.diff(x).max() <= 2, trace.name
    assert candles.name == PRICE_TRACE
    assert candles.customdata[0] == f"{times.iloc[0]:%Y-%m-%d %H:%M} UTC"  # the hover's date
    axis = figure.layout.xaxis
    assert 3 <= len(axis.tickvals) <= 8 and len(axis.ticktext) == len(axis.tickvals)
    for value, text in zip(axis.tickvals, axis.ticktext, strict=True):
        stamp = times.iloc[value - view.first_index]
        assert text == f"{stamp:%d %b}"  # 60 days of bars: one label per week, at its first bar


def test_tick_labels_follow_the_span():
    for frame, timeframe, label in (
        (synthetic_ohlcv(48, timeframe="1h"), "1h", "%d %b %H:%M"),
        (synthetic_ohlcv(400, timeframe="1d"), "1d", "%b '%y"),
        (monthly_rocket(), "1M", "%Y"),
    ):
        view = build_view(frame, symbol="s", timeframe=timeframe)
        times = view.frame["time"].dt.tz_convert(None).to_numpy()
        values, texts = time_ticks(times, np.arange(len(times)))
        assert 3 <= len(values) <= 8
        assert texts == [f"{view.frame['time'].iloc[v]:{label}}" for v in values]


def test_spikes_sit_on_their_bars_and_images_keep_the_positions():
    view, figure = fx_figure()
    spikes = find_volume_spikes(view.frame)
    add_volume_spikes(figure, spikes)
    marks = next(t for t in figure.data if t.name == SPIKES_TRACE)
    wanted = {int(s.time) for s in spikes}
    seconds = view.frame["time"].astype("int64") // 10**9
    expected = sorted(view.first_index + i for i, t in enumerate(seconds) if int(t) in wanted)
    assert sorted(int(x) for x in marks.x) == expected and expected
    spec = image_figure(view)  # the PNG/SVG's figure: same positions, same date labels
    x = spec["data"][0]["x"]
    if isinstance(x, dict):  # a typed array
        x = np.frombuffer(base64.b64decode(x["bdata"]), dtype=x["dtype"])
    assert np.diff(np.asarray(x)).max() == 1
    assert spec["layout"]["xaxis"]["ticktext"] == list(figure.layout.xaxis.ticktext)


@pytest.mark.browser
def test_plotly_draws_no_gap_and_no_price_under_zero(page):
    """What plotly.js makes of the figures: the x axis spans the bars alone, and the price axis
    of prices far above zero has no tick under zero (the volume has its own axis)."""
    page.set_content("<div id=g style='width:1000px;height:600px'></div>")
    page.add_script_tag(path=str(PLOTLY_JS))
    draw = """async (fig) => {
        const gd = document.getElementById('g');
        await Plotly.newPlot(gd, fig.data, fig.layout);
        const ya = gd._fullLayout.yaxis;
        return {x: gd._fullLayout.xaxis.range, y: ya.range, ticks: ya._vals.map(v => v.x),
                labels: gd._fullLayout.xaxis._vals.map(v => v.text)};
    }"""
    view, figure = fx_figure()
    fx = page.evaluate(draw, orjson.loads(to_json_plotly(figure)))
    bars = len(view.frame)
    assert fx["x"][1] - fx["x"][0] <= bars + 1  # no room for a weekend anywhere
    assert fx["labels"] == list(figure.layout.xaxis.ticktext)

    rocket = build_view(monthly_rocket(), symbol="BTCUSD", timeframe="1M", emas=(10, 21),
                        indicators="bb")  # fmt: skip
    drawn = page.evaluate(draw, orjson.loads(to_json_plotly(
        build_plotly_figure(rocket, offered_emas=(10, 21)))))  # fmt: skip
    assert drawn["y"][0] >= 0 and min(drawn["ticks"]) >= 0
    assert page.watch.console_errors == []
