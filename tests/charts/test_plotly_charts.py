"""The Plotly engine: which traces a figure carries, their colours, and the bar cap."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from app.charts import theme
from app.charts.plotly_charts import (
    MAX_FIGURE_BARS,
    PRICE_TRACE,
    VOLUME_TRACE,
    build_plotly_figure,
    ema_trace,
    fit_view,
)
from app.charts.plotly_volume import si_text
from app.core import build_view
from app.core.synthetic import synthetic_ohlcv
from tests.charts.drawn_volume import drawn_rectangles, volume_paths

OFFERED = (10, 21, 50, 150)


@pytest.fixture(scope="module")
def hourly_view():
    return build_view(synthetic_ohlcv(500, timeframe="1h"), symbol="demo", emas=OFFERED)


def names(figure) -> list[str]:
    return [trace.name for trace in figure.data]


def trace(figure, name: str):
    return next(t for t in figure.data if t.name == name)


def test_candles_volume_and_every_offered_ema_by_default(hourly_view):
    figure = build_plotly_figure(hourly_view, offered_emas=OFFERED)

    volume = [VOLUME_TRACE, VOLUME_TRACE]  # the rising bars' path and the falling bars'
    assert names(figure) == [PRICE_TRACE, *volume, "EMA 10", "EMA 21", "EMA 50", "EMA 150"]
    candles = trace(figure, PRICE_TRACE)
    assert candles.type == "candlestick"
    np.testing.assert_array_equal(candles.close, hourly_view.frame["close"].to_numpy())
    assert len(candles.x) == 500


def test_only_visible_emas_are_drawn_and_keep_their_colours(hourly_view):
    all_shown = build_plotly_figure(hourly_view, offered_emas=OFFERED)
    some_shown = build_plotly_figure(hourly_view, offered_emas=OFFERED, visible_emas=[50, 10])

    assert names(some_shown) == [PRICE_TRACE, VOLUME_TRACE, VOLUME_TRACE, "EMA 10", "EMA 50"]
    for name in ("EMA 10", "EMA 50"):
        assert trace(some_shown, name).line.color == trace(all_shown, name).line.color
    assert trace(some_shown, "EMA 50").line.color == theme.ema_color(50, OFFERED)
    assert trace(all_shown, "EMA 10").line.color == theme.EMA_PALETTE[0]


def test_no_visible_emas_leaves_candles_and_volume(hourly_view):
    figure = build_plotly_figure(hourly_view, offered_emas=OFFERED, visible_emas=[])
    assert names(figure) == [PRICE_TRACE, VOLUME_TRACE, VOLUME_TRACE]


def test_ema_line_follows_the_core_values_with_gaps_while_warming_up(hourly_view):
    figure = build_plotly_figure(hourly_view, offered_emas=OFFERED, visible_emas=[21])
    values = np.asarray(trace(figure, "EMA 21").y, dtype=float)
    expected = hourly_view.frame["ema_21"].to_numpy()
    np.testing.assert_array_equal(values, expected)
    assert np.isnan(values[:20]).all()


def test_dark_theme_unified_hover_no_rangeslider_volume_at_the_foot_of_the_price(hourly_view):
    figure = build_plotly_figure(hourly_view, offered_emas=OFFERED)
    layout = figure.layout

    assert layout.paper_bgcolor == theme.BACKGROUND
    assert layout.plot_bgcolor == theme.BACKGROUND
    assert layout.hovermode == "x unified"
    assert layout.xaxis.rangeslider.visible is False
    assert [path.yaxis for path in volume_paths(figure)] == ["y2", "y2"]
    assert trace(figure, PRICE_TRACE).yaxis == "y"
    # Volume overlays the price pane, its tallest bar reaching a fifth of the pane's height.
    assert layout.yaxis2.overlaying == "y" and layout.yaxis2.visible is False
    assert layout.yaxis2.range[1] == pytest.approx(hourly_view.frame["volume"].max() * 5)
    assert tuple(layout.yaxis.domain) == (0.0, 1.0)
    up, down = theme.UP, theme.DOWN
    assert trace(figure, PRICE_TRACE).increasing.fillcolor == up
    assert trace(figure, PRICE_TRACE).decreasing.fillcolor == down


def test_volume_is_drawn_as_the_bars_were_one_path_per_direction(hourly_view):
    """Each bar a rectangle 0.9 wide (the bar trace's, at bargap 0.1) from 0 to its volume, in the
    rising path where close >= open and in the falling path elsewhere, never in both."""
    figure = build_plotly_figure(hourly_view, offered_emas=OFFERED)
    rising_path, falling_path = volume_paths(figure)
    frame = hourly_view.frame
    x = np.asarray(trace(figure, PRICE_TRACE).x, dtype=float)  # the bars' positions
    volume = frame["volume"].to_numpy(dtype=float)
    up = (frame["close"] >= frame["open"]).to_numpy()
    assert up.any() and (~up).any() and (volume > 0).all()

    rising_bars = dict(zip(x[up], volume[up], strict=True))
    falling_bars = dict(zip(x[~up], volume[~up], strict=True))
    assert drawn_rectangles(rising_path) == {c: (0.9, v) for c, v in rising_bars.items()}
    assert drawn_rectangles(falling_path) == {c: (0.9, v) for c, v in falling_bars.items()}
    assert (rising_path.fillcolor, falling_path.fillcolor) == (theme.UP_VOLUME, theme.DOWN_VOLUME)
    for path in (rising_path, falling_path):
        assert path.hoverinfo == "skip"  # the candle's hover row carries the volume
        assert len(path.x) == 2 * len(frame)  # every bar at 2 * its index: live patches
    assert figure.layout.bargap == 0.1 and not [t for t in figure.data if t.type == "bar"]


def test_the_candle_hover_carries_the_volume_as_d3_writes_it(hourly_view):
    figure = build_plotly_figure(hourly_view, offered_emas=OFFERED)
    candles = trace(figure, PRICE_TRACE)
    assert candles.hovertemplate.endswith("<br>volume: %{text}<extra></extra>")
    assert len(candles.text) == len(hourly_view.frame)
    volume = hourly_view.frame["volume"].iloc[7]
    assert candles.text[7] == si_text(volume)


@pytest.mark.parametrize(
    ("volume", "text"),  # d3.format(".4~s"), as plotly.js wrote the volume bars' hover
    [
        (0, "0"),
        (7, "7"),
        (950.5, "950.5"),
        (999.96, "1k"),
        (1500, "1.5k"),
        (12345, "12.35k"),  # a tie rounds up, as JavaScript's toExponential
        (1234567, "1.235M"),
        (98765432.1, "98.77M"),
        (2e9, "2G"),
        (0.5, "500m"),
        (0.00012345, "123.4µ"),  # 1.2344999...e-4 as a float
    ],
)
def test_volume_text_is_d3s_si_format(volume, text):
    assert si_text(volume) == text


def test_hover_shows_the_time_for_intraday_bars_and_the_date_for_daily(hourly_view):
    daily = build_view(synthetic_ohlcv(50, timeframe="1d"), symbol="d", emas=())
    intraday = build_plotly_figure(hourly_view, offered_emas=OFFERED)
    days = build_plotly_figure(daily, offered_emas=())
    first = hourly_view.frame["time"].iloc[1]
    assert trace(intraday, PRICE_TRACE).customdata[1] == f"{first:%Y-%m-%d %H:%M} UTC"
    assert trace(days, PRICE_TRACE).customdata[0] == f"{daily.frame['time'].iloc[0]:%Y-%m-%d}"
    assert "%{customdata}" in trace(days, PRICE_TRACE).hovertemplate


def test_title_and_notice_are_shown(hourly_view):
    figure = build_plotly_figure(
        hourly_view, offered_emas=OFFERED, title="demo · 1h", notice="Read this"
    )
    assert figure.layout.title.text == "demo · 1h"
    assert figure.layout.title.subtitle.text == "Read this"


def test_small_view_is_not_fitted(hourly_view):
    view, notice = fit_view(hourly_view)
    assert view is hourly_view
    assert notice is None


def test_large_view_is_drawn_coarser_and_the_user_is_told():
    minutes = build_view(synthetic_ohlcv(20_000, timeframe="1m"), symbol="big", emas=(10, 21))

    figure = build_plotly_figure(minutes, offered_emas=(10, 21), title="big")

    candles = trace(figure, PRICE_TRACE)
    assert 0 < len(candles.x) <= MAX_FIGURE_BARS
    notice = figure.layout.title.subtitle.text
    assert "20,000 1m bars" in notice and "15m bars" in notice
    assert len(trace(figure, "EMA 21").y) == len(candles.x)


def test_fit_view_resamples_with_emas_at_the_new_timeframe():
    minutes = build_view(synthetic_ohlcv(20_000, timeframe="1m"), symbol="big", emas=(10,))

    fitted, notice = fit_view(minutes)

    assert fitted.timeframe.name == "15m"  # 5m would be 4,000 bars
    assert fitted.native_timeframe.name == "1m"
    reference = build_view(minutes.frame, symbol="big", timeframe="15m", emas=(10,))
    np.testing.assert_allclose(fitted.frame["ema_10"], reference.frame["ema_10"])
    assert fitted.frame["high"].max() == minutes.frame["high"].max()
    assert notice is not None


def test_past_the_coarsest_timeframe_the_most_recent_bars_are_shown():
    months = build_view(synthetic_ohlcv(400, timeframe="1M"), symbol="long", emas=(10,))

    fitted, notice = fit_view(months, max_bars=100)

    assert len(fitted.frame) == 100
    assert fitted.frame["time"].iloc[-1] == months.frame["time"].iloc[-1]
    assert fitted.first_index == 300
    assert "most recent 100 1M bars" in notice


def test_a_fitted_view_keeps_what_the_loader_told_the_user():
    minutes = dataclasses.replace(
        build_view(synthetic_ohlcv(20_000, timeframe="1m"), symbol="big", emas=(10,)),
        notices=("big.csv: rows were not in time order; sorted them by time.",),
    )

    fitted, _ = fit_view(minutes)

    assert fitted.timeframe.name == "15m"
    assert fitted.notices == minutes.notices


def test_an_added_ema_line_is_the_one_the_full_figure_draws(hourly_view):
    full = build_plotly_figure(hourly_view, offered_emas=OFFERED)

    added = ema_trace(hourly_view, 50, offered_emas=OFFERED)

    drawn = trace(full, "EMA 50")
    assert (added.name, added.line.color, added.yaxis) == (drawn.name, drawn.line.color, "y")
    np.testing.assert_array_equal(np.asarray(added.x), np.asarray(drawn.x))
    np.testing.assert_array_equal(np.asarray(added.y), np.asarray(drawn.y))


def test_volume_is_labelled_in_its_pane_not_by_a_grey_legend_swatch(hourly_view):
    figure = build_plotly_figure(hourly_view, offered_emas=OFFERED)

    assert [p.showlegend for p in volume_paths(figure)] == [False, False]  # no grey swatch
    [label] = [a for a in figure.layout.annotations if a.text == VOLUME_TRACE]
    assert (label.xref, label.yref) == ("paper", "paper")
    # Left of the plot area (in its margin), upright beside the volume strip: over no candle.
    assert (label.x, label.xanchor, label.textangle) == (0, "right", -90)
    assert figure.layout.margin.l >= 20
    assert label.y == pytest.approx(0.1)  # the middle of the volume strip in the price pane
