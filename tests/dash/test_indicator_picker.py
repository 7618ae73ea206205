"""The indicator picker: what adding an indicator does to the multi-select and the chart."""

from __future__ import annotations

from dash import no_update

from app.config import get_settings
from app.core.indicators import MAX_LINES
from app.dash_app.chart_callbacks import render_chart
from app.dash_app.chart_data import SOURCE_CONFIGURED
from app.dash_app.indicator_picker import add_indicator, chart_style, param_fields
from app.dash_app.uploads import UploadCache


def test_the_parameter_fields_follow_the_indicator_chosen():
    macd = param_fields("macd")
    assert [f[0] for f in macd] == ["Fast length", "Slow length", "Signal smoothing"]
    assert [f[1] for f in macd] == [12, 26, 9]
    rsi = param_fields("rsi")
    assert rsi[0][1] == 14 and rsi[1][2] == {"display": "none"} and rsi[2][2] == {"display": "none"}
    assert all(f[2] == {"display": "none"} for f in param_fields("obv"))
    assert all(f[2] == {"display": "none"} for f in param_fields("nope"))


def test_adding_indicators_with_parameters_allows_two_of_one_kind():
    values, options, error = add_indicator("sma", [20], [], [], 0)
    assert (values, error) == (["sma:20"], None)
    values, options, error = add_indicator("sma", [50], values, options, 0)
    assert values == ["sma:20", "sma:50"]
    values, options, error = add_indicator("macd", [8, 21, 5], values, options, 0)
    assert values == ["sma:20", "sma:50", "macd:8:21:5"]
    assert {"label": "MACD 8 21 5", "value": "macd:8:21:5"} in options


def test_a_bad_parameter_is_said_under_the_button_and_changes_nothing():
    values, options, error = add_indicator("rsi", [1], ["sma:20"], [], 0)
    assert values is no_update and options is no_update
    assert "rsi period must be a whole number from 2 to 1000" in str(error.children)
    _, _, error = add_indicator("macd", [26, 12, 9], [], [], 0)
    assert "fast length (26) must be below the slow one (12)" in str(error.children)
    _, _, error = add_indicator("rsi", [14], ["rsi:14"], [], 0)
    assert "RSI 14 is drawn already" in str(error.children)
    _, _, error = add_indicator("rsi", [None], [], [], 0)
    assert "Fill in every parameter" in str(error.children)


def test_lines_are_capped_together_with_the_emas():
    chosen = [f"sma:{p}" for p in range(2, 2 + MAX_LINES - 4)]
    values, _, error = add_indicator("rsi", [14], chosen, [], 4)
    assert values is no_update
    assert f"At most {MAX_LINES} lines" in str(error.children)


def test_each_oscillator_makes_the_chart_taller():
    assert chart_style([]) == {"height": "calc(72vh + 0px)"}
    assert chart_style(["rsi:14", "macd", "sma:20"]) == {"height": "calc(72vh + 300px)"}
    assert chart_style(["bogus"]) == {"height": "calc(72vh + 0px)"}


def test_the_chart_draws_the_indicators_chosen_in_their_panes(data_dir):
    outputs = render_chart(SOURCE_CONFIGURED, "sample_ohlcv", "1h", [10], None,
                           uploads=UploadCache(), settings=get_settings(),
                           indicators=["rsi:14", "macd:12:26:9", "sma:20"])  # fmt: skip

    assert outputs.alert is None
    names = [trace.name for trace in outputs.figure.data]
    assert names[:4] == ["Price", "Volume", "Volume", "EMA 10"]
    assert "RSI 14" in names and "MACD 12 26 9" in names and "SMA 20" in names
    axes = {trace.yaxis for trace in outputs.figure.data}
    assert len(axes - {"y", "y2"}) == 2  # RSI and MACD each in a pane of their own


def test_an_unknown_indicator_sent_to_the_chart_is_an_alert(data_dir):
    outputs = render_chart(SOURCE_CONFIGURED, "sample_ohlcv", "1h", [10], None,
                           uploads=UploadCache(), settings=get_settings(),
                           indicators=["bogus:3"])  # fmt: skip

    assert "Unknown indicator 'bogus'" in str(outputs.alert.children)
