"""The live check the browser runs every DASH_REFRESH_S: the newest bar, and nothing more."""

from __future__ import annotations

from dash import no_update

from app.config import get_settings
from app.dash_app.chart_callbacks import render_chart
from app.dash_app.chart_data import SOURCE_CONFIGURED, SOURCE_UPLOAD
from app.dash_app.live_check import live_signal
from app.dash_app.uploads import UploadCache
from tests.dash.samples import ohlcv_csv


def test_the_signal_changes_only_when_the_newest_bar_does(data_dir):
    path = data_dir / "sample_ohlcv.csv"
    settings = get_settings()
    first = live_signal(SOURCE_CONFIGURED, "sample_ohlcv", None, settings)
    assert first[0] == "sample_ohlcv" and first[-1] == 300  # the symbol, ..., the bars held

    assert live_signal(SOURCE_CONFIGURED, "sample_ohlcv", first, settings) is no_update

    rows = ohlcv_csv(301).decode().splitlines()
    with path.open("a") as file:
        file.write(rows[-1] + "\n")  # one more hourly bar
    after = live_signal(SOURCE_CONFIGURED, "sample_ohlcv", first, settings)
    assert after is not no_update and after[-1] == 301 and after[1] > first[1]


def test_an_upload_or_an_unknown_symbol_sends_no_signal(data_dir):
    settings = get_settings()
    assert live_signal(SOURCE_UPLOAD, "sample_ohlcv", None, settings) is no_update
    assert live_signal(SOURCE_CONFIGURED, "nope", None, settings) is no_update
    assert live_signal(SOURCE_CONFIGURED, None, None, settings) is no_update


def test_the_first_tick_after_a_redraw_signals_only_bars_the_figure_lacks(data_dir):
    """The signal store starts empty: its first tick after the page loaded set off a chart
    callback for the very bars just drawn (a wasted request, and a redraw when it crossed a
    timeframe change). The drawn store names the newest bar the figure was drawn with."""
    settings = get_settings()
    drawn = render_chart(SOURCE_CONFIGURED, "sample_ohlcv", "4h", [10], None,
                         uploads=UploadCache(), settings=settings).drawn  # fmt: skip
    assert live_signal(SOURCE_CONFIGURED, "sample_ohlcv", None, settings, drawn) is no_update

    rows = ohlcv_csv(301).decode().splitlines()
    with (data_dir / "sample_ohlcv.csv").open("a") as file:
        file.write(rows[-1] + "\n")
    after = live_signal(SOURCE_CONFIGURED, "sample_ohlcv", None, settings, drawn)
    assert after is not no_update and after[-1] == 301
    # Another symbol's figure says nothing of this one's bars.
    other = {**drawn, "newest": ["long", *drawn["newest"][1:]]}
    assert live_signal(SOURCE_CONFIGURED, "sample_ohlcv", None, settings, other)[-1] == 301
