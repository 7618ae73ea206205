"""The Plotly engine with catalog indicators: overlays on the price, one pane per oscillator on
the one time axis, the page's colours, and prices to the data's own decimals."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from app.charts import theme
from app.charts.plotly_charts import (
    PRICE_TRACE,
    VOLUME_TRACE,
    build_plotly_figure,
    pane_count,
)
from app.charts.precision import price_precision
from app.core import build_view, read_ohlcv_file
from app.core.frame import canonical_frame_from_ns
from tests.live_server import ROOT

TOKENS = "rsi:14,bb:20:2,macd:12:26:9,obv"


@pytest.fixture(scope="module")
def view():
    bars = read_ohlcv_file(ROOT / "data" / "sample_ohlcv.csv")
    return build_view(bars, symbol="sample", emas=(10,), indicators=TOKENS, limit=500)


def y_axes(figure) -> list[str]:
    return sorted(name for name in figure.layout.to_plotly_json() if name.startswith("yaxis"))


def test_one_pane_per_oscillator_sharing_the_time_axis(view):
    figure = build_plotly_figure(view, offered_emas=(10,))
    assert pane_count(view) == 3  # rsi, macd, obv; bb draws over the price
    assert y_axes(figure) == ["yaxis", "yaxis2", "yaxis3", "yaxis4", "yaxis5"]
    axis_of = {trace.name: trace.yaxis for trace in figure.data}
    assert axis_of[PRICE_TRACE] == "y" and axis_of[VOLUME_TRACE] == "y2"
    assert axis_of["BB 20 2"] == axis_of["BB 20 2 Lower"] == "y"  # over the price
    assert axis_of["RSI 14"] == "y3"
    assert axis_of["MACD 12 26 9"] == axis_of["MACD 12 26 9 Histogram"] == "y4"
    assert axis_of["OBV"] == "y5"
    assert {trace.xaxis or "x" for trace in figure.data} == {"x"}  # one time axis
    layout = figure.layout
    assert layout.xaxis.anchor == "y5"  # the dates under the lowest pane
    assert layout.hovermode == "x unified"
    domains = [layout[name].domain for name in ("yaxis", "yaxis3", "yaxis4", "yaxis5")]
    for upper, lower in itertools.pairwise(domains):  # top to bottom, no overlap
        assert lower[1] < upper[0]
    assert domains[0][1] == 1.0 and domains[-1][0] == 0.0


def test_no_indicator_leaves_the_price_pane_whole(view):
    figure = build_plotly_figure(view, offered_emas=(10,), indicators=[])
    assert y_axes(figure) == ["yaxis", "yaxis2"]
    assert [t.name for t in figure.data] == [PRICE_TRACE, VOLUME_TRACE, VOLUME_TRACE, "EMA 10"]


def test_a_chosen_subset_draws_only_its_panes(view):
    figure = build_plotly_figure(view, offered_emas=(), indicators="macd")
    assert y_axes(figure) == ["yaxis", "yaxis2", "yaxis3"]
    names = [t.name for t in figure.data]
    macd = ["MACD 12 26 9", "MACD 12 26 9 Signal", "MACD 12 26 9 Histogram"]
    assert names == [PRICE_TRACE, VOLUME_TRACE, VOLUME_TRACE, *macd]


def test_values_are_the_cores_and_colours_the_pages(view):
    figure = build_plotly_figure(view, offered_emas=(10,))
    by_name = {trace.name: trace for trace in figure.data}
    np.testing.assert_array_equal(np.asarray(by_name["RSI 14"].y), view.frame["rsi_14"])
    colors = dict(zip(TOKENS.split(","), theme.indicator_colors(TOKENS.split(",")), strict=True))
    assert by_name["RSI 14"].line.color == colors["rsi:14"]
    assert by_name["MACD 12 26 9"].line.color == colors["macd:12:26:9"]
    assert by_name["MACD 12 26 9 Signal"].line.color == theme.output_color(
        colors["macd:12:26:9"], "macd", 1
    )
    assert by_name["BB 20 2"].line.color == colors["bb:20:2"]  # the upper band
    assert by_name["BB 20 2 Lower"].line.color == colors["bb:20:2"]  # the bands share one
    hist = by_name["MACD 12 26 9 Histogram"]
    assert hist.type == "bar"
    rising = np.nan_to_num(view.frame["macd_hist_12_26_9"].to_numpy()) >= 0
    assert list(hist.marker.color) == [
        theme.UP_VOLUME if up else theme.DOWN_VOLUME for up in rising
    ]
    # RSI's 30/70 guides on its pane
    levels = sorted(s.y0 for s in figure.layout.shapes if s.yref == "y3")
    assert levels == [30.0, 70.0]


def test_each_pane_has_its_own_legend_at_its_top(view):
    figure = build_plotly_figure(view, offered_emas=())
    by_name = {trace.name: trace for trace in figure.data}
    assert by_name["RSI 14"].legend == "legend2" and by_name["OBV"].legend == "legend4"
    assert figure.layout.legend2.y == figure.layout.yaxis3.domain[1]


def test_colours_stay_put_when_another_indicator_is_removed():
    both = theme.indicator_colors(["rsi:14", "macd:12:26:9", "sma:50"])
    fewer = theme.indicator_colors(["rsi:14", "sma:50"])
    assert both[0] == fewer[0] and both[2] == fewer[1]
    assert len(set(theme.indicator_colors([f"sma:{n}" for n in range(2, 12)]))) == 10


def frame_of(closes) -> pd.DataFrame:
    closes = np.asarray(closes, dtype=float)
    times = pd.date_range("2024-01-01", periods=len(closes), freq="1D", tz="UTC")
    return canonical_frame_from_ns(
        times.as_unit("ns").asi8, closes, closes + 0.5, closes - 0.25, closes, np.ones(len(closes))
    )


@pytest.mark.parametrize(
    ("closes", "decimals"),
    [
        ([64123.57, 64200.1, 65000.0], 2),  # over 1,000: decimals kept
        ([1.08123, 1.0815, 1.082], 5),
        ([101.0, 102.0, 103.0], 2),  # high/low at .5 and .25
        ([0.00001234, 0.00001236], 8),
    ],
)
def test_prices_keep_the_datas_decimals(closes, decimals):
    frame = frame_of(closes)
    assert price_precision(frame) == decimals
    figure = build_plotly_figure(build_view(frame, symbol="p", emas=(2,)), offered_emas=(2,))
    assert figure.layout.yaxis.tickformat == f",.{decimals}f"
    assert figure.layout.yaxis.hoverformat == f",.{decimals}f"
    ema = next(t for t in figure.data if t.name == "EMA 2")
    assert ema.hovertemplate == f"%{{y:,.{decimals}f}}"


def test_heikin_ashi_views_keep_the_quotes_decimals():
    frame = frame_of([64123.57, 64200.1, 65000.0, 64999.99])
    view = build_view(frame, symbol="p", chart="heikin_ashi")
    figure = build_plotly_figure(view, offered_emas=())
    assert figure.layout.yaxis.tickformat == ",.2f"
