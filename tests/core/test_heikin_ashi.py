"""Heikin Ashi candles: the definition, over the whole history, and indicators on them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import talib

from app.core import ParameterError, build_view, heikin_ashi, parse_chart_type, read_ohlcv_file

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample_ohlcv.csv"


@pytest.fixture(scope="module")
def bars() -> pd.DataFrame:
    return read_ohlcv_file(SAMPLE)


def reference(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The textbook loop."""
    o, h, lo, c = (frame[n].to_numpy() for n in ("open", "high", "low", "close"))
    ha_c = (o + h + lo + c) / 4
    ha_o = np.empty(len(o))
    ha_o[0] = (o[0] + c[0]) / 2
    for i in range(1, len(o)):
        ha_o[i] = (ha_o[i - 1] + ha_c[i - 1]) / 2
    return {
        "open": ha_o,
        "high": np.maximum.reduce([h, ha_o, ha_c]),
        "low": np.minimum.reduce([lo, ha_o, ha_c]),
        "close": ha_c,
    }


def test_heikin_ashi_matches_the_definition(bars):
    ha = heikin_ashi(bars)
    expected = reference(bars)
    for name, values in expected.items():
        np.testing.assert_allclose(ha[name].to_numpy(), values, rtol=1e-13)
    assert ha["time"].equals(bars["time"]) and ha["volume"].equals(bars["volume"])
    assert (ha["high"] >= ha[["open", "close"]].max(axis=1)).all()


def test_a_page_of_heikin_ashi_starts_where_the_whole_history_has_it(bars):
    whole = heikin_ashi(bars)
    page = build_view(bars, symbol="s", chart="heikin_ashi", end=bars["time"].iloc[2999], limit=500)
    assert page.chart == "heikin_ashi" and page.first_index == 2500
    assert page.frame["open"].iloc[0] == whole["open"].iloc[2500]


def test_indicators_on_a_heikin_ashi_chart_follow_its_candles_as_on_tradingview(bars):
    view = build_view(bars, symbol="s", chart="heikin_ashi", emas=[10], indicators="rsi")
    ha_close = heikin_ashi(bars)["close"].to_numpy()
    np.testing.assert_allclose(view.frame["rsi_14"], talib.RSI(ha_close, 14))
    np.testing.assert_allclose(view.frame["ema_10"], talib.EMA(ha_close, 10))
    plain = build_view(bars, symbol="s", indicators="rsi")
    assert plain.chart == "candles"
    assert not np.allclose(plain.frame["rsi_14"].iloc[20:], view.frame["rsi_14"].iloc[20:])


@pytest.mark.parametrize("word", [None, "", "candles", "Heikin-Ashi", "HA", "heikin_ashi"])
def test_chart_types(word):
    assert parse_chart_type(word) in ("candles", "heikin_ashi")


def test_unknown_chart_type_names_the_allowed_ones():
    with pytest.raises(ParameterError, match="use candles or heikin_ashi") as err:
        parse_chart_type("renko")
    assert err.value.parameter == "chart"


def test_empty_frame(bars):
    assert len(heikin_ashi(bars.iloc[:0])) == 0
