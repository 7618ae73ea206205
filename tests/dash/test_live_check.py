"""The live check the browser runs every DASH_REFRESH_S: the newest bar, and nothing more."""

from __future__ import annotations

from dash import no_update

from app.config import get_settings
from app.dash_app.chart_data import SOURCE_CONFIGURED, SOURCE_UPLOAD
from app.dash_app.live_check import live_signal
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
