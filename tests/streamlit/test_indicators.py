"""Issue #12 in the dashboard: the indicator picker over the core catalog, panes in both engines,
the EMA toggles beside it."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from app.core import build_view
from app.core.indicators import MAX_LINES, IndicatorSpec
from tests.streamlit.app_views import figure, lightweight_chart, run_app, shown_ema_names
from tests.streamlit.ohlcv_samples import ohlcv_frame

pytestmark = pytest.mark.usefixtures("data_dir")


def pick(at, *names: str):
    at.multiselect(key="indicators").set_value(list(names)).run()
    return at


def test_the_picker_offers_the_whole_catalog():
    at = run_app()
    options = at.multiselect(key="indicators").options
    assert len(options) >= 15
    assert any(option.startswith("RSI · Relative Strength Index") for option in options)
    assert any(option.startswith("MACD") for option in options)


def test_picked_indicators_reach_the_chart_with_the_cores_values():
    at = pick(run_app(), "rsi")
    at.radio(key="engine").set_value("lightweight").run()
    chart = lightweight_chart(at)
    assert chart["state"]["indicators"] == ["rsi:14"]
    [spec] = chart["payload"]["indicators"]
    assert spec["label"] == "RSI 14" and spec["pane"] == "own"
    columns = chart["payload"]["columns"]
    expected = build_view(ohlcv_frame(300), symbol="x", indicators=[IndicatorSpec("rsi")]).frame
    values = columns[spec["columns"][0]]
    shown = {t: v for t, v in zip(columns["time"], values, strict=True) if v is not None}
    want = {
        int(t.timestamp()): v
        for t, v in zip(expected["time"], expected["rsi_14"], strict=True)
        if pd.notna(v)
    }
    assert shown.keys() == want.keys()
    assert all(shown[t] == pytest.approx(want[t]) for t in want)


def test_lightweight_gets_every_indicator_in_the_pickers_order_and_keeps_emas():
    at = pick(run_app(), "rsi", "macd", "sma")
    at.radio(key="engine").set_value("lightweight").run()
    chart = lightweight_chart(at)
    assert chart["state"]["indicators"] == ["rsi:14", "macd:12:26:9", "sma:20"]
    panes = {spec["token"]: spec["pane"] for spec in chart["payload"]["indicators"]}
    assert panes == {"rsi:14": "own", "macd:12:26:9": "own", "sma:20": "price"}
    assert {"macd_hist_12_26_9", "sma_20", "ema_21"} <= set(chart["payload"]["columns"])
    assert 21 in chart["state"]["shown"]
    at.multiselect(key="indicators").set_value(["rsi"]).run()
    assert lightweight_chart(at)["state"]["indicators"] == ["rsi:14"]


def test_parameters_make_instances_and_a_bad_one_is_said_under_its_box():
    at = pick(run_app(), "sma")
    assert at.text_input(key="indicator_params_sma").value == "20"
    at.text_input(key="indicator_params_sma").set_value("20, 50, 5000").run()
    [error] = at.sidebar.error
    assert "sma period must be a whole number from 2 to 1000" in error.value
    at.radio(key="engine").set_value("lightweight").run()
    assert lightweight_chart(at)["state"]["indicators"] == ["sma:20", "sma:50"]


def test_more_lines_than_the_cap_are_left_out_and_said():
    at = pick(run_app(), "sma")
    periods = ", ".join(str(p) for p in range(2, 2 + MAX_LINES))
    at.text_input(key="indicator_params_sma").set_value(periods).run()
    [warning] = at.sidebar.warning
    assert f"At most {MAX_LINES} lines" in warning.value
    assert not at.exception


def test_the_ema_toggles_stay_beside_the_picker():
    at = pick(run_app(), "rsi")
    at.checkbox(key="ema_21").uncheck().run()
    assert "EMA 21" not in shown_ema_names(figure(at))
    assert "EMA 10" in shown_ema_names(figure(at))


def test_the_csv_download_holds_the_indicator_columns():
    from app.config import get_settings
    from app.streamlit_app.loading import settings_for_source, symbol_csv  # noqa: F401

    specs = (IndicatorSpec("rsi"), IndicatorSpec("macd"))
    data = symbol_csv(get_settings(), "csv", "sample_ohlcv", "1h", (10,), specs)
    table = pd.read_csv(io.BytesIO(data))
    assert {"rsi_14", "macd_12_26_9", "macd_signal_12_26_9", "macd_hist_12_26_9"} <= set(table)


def test_plotly_draws_a_pane_per_oscillator():
    at = run_app()
    before = {t.get("yaxis", "y") for t in figure(at)["data"]}
    at = pick(at, "rsi", "macd", "sma")
    fig = figure(at)
    axes = {t.get("yaxis", "y") for t in fig["data"]}
    assert len(axes) == len(before) + 2  # RSI and MACD panes; SMA over the price
    names = [t.get("name", "") for t in fig["data"]]
    assert any(name.startswith("RSI") for name in names)
    assert any(name.startswith("SMA") for name in names)
    at.multiselect(key="indicators").set_value(["rsi"]).run()
    assert len({t.get("yaxis", "y") for t in figure(at)["data"]}) == len(before) + 1
