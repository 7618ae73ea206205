"""Views with catalog indicators: computed on the whole history at the timeframe, windowed, and
the one cap on lines checked before anything is loaded."""

from __future__ import annotations

import time

import numpy as np
import pytest
import talib

import app.core.service as service
from app.config import load_settings
from app.core import (
    MAX_LINES,
    ParameterError,
    get_data_source,
    get_ohlcv,
    parse_indicators,
    resample_ohlcv,
)
from app.core.synthetic import synthetic_ohlcv
from app.core.timeframes import parse_timeframe


@pytest.fixture
def settings(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    synthetic_ohlcv(6000, "1m", seed=2).to_parquet(folder / "eurusd_m1.parquet", index=False)
    return load_settings(data_dir=folder, csv_path=folder / "eurusd_m1.parquet")


def test_indicators_are_computed_at_the_timeframe_asked_over_the_whole_history(settings):
    view = get_ohlcv(
        "eurusd_m1", timeframe="5m", indicators="rsi,macd", limit=100, settings=settings
    )
    whole = resample_ohlcv(
        get_data_source(settings).load("eurusd_m1", None),
        parse_timeframe("5m"),
        native=parse_timeframe("1m"),
    )
    rsi = talib.RSI(whole["close"].to_numpy(), 14)
    assert view.first_index == len(whole) - 100
    np.testing.assert_array_equal(view.frame["rsi_14"], rsi[-100:])
    assert view.indicators == parse_indicators("rsi:14,macd:12:26:9")
    assert view.indicator_columns == (
        "rsi_14",
        "macd_12_26_9",
        "macd_signal_12_26_9",
        "macd_hist_12_26_9",
    )


def test_the_view_cache_keys_on_the_indicators(settings):
    service._view_cache.clear()
    rsi = get_ohlcv("eurusd_m1", indicators="rsi", limit=10, settings=settings)
    sma = get_ohlcv("eurusd_m1", indicators="sma:5", limit=10, settings=settings)
    assert "rsi_14" in rsi.frame and "sma_5" in sma.frame and "rsi_14" not in sma.frame
    ha = get_ohlcv("eurusd_m1", indicators="sma:5", chart="ha", limit=10, settings=settings)
    assert not np.array_equal(ha.frame["sma_5"], sma.frame["sma_5"])


def test_emas_and_indicators_share_one_cap_checked_before_loading(settings, monkeypatch):
    def no_loading(*args, **kwargs):
        raise AssertionError("loaded data for a request over the cap")

    monkeypatch.setattr(service, "get_registry", no_loading)
    emas = list(range(2, 2 + 8))
    started = time.perf_counter()
    with pytest.raises(ParameterError, match=f"at most {MAX_LINES} lines per request") as err:
        get_ohlcv("eurusd_m1", emas=emas, indicators="rsi,macd,bb,obv,vwap", settings=settings)
    assert err.value.parameter == "indicators"
    assert "13 asked for" in str(err.value)
    with pytest.raises(ParameterError, match="Too many EMAs") as err:
        get_ohlcv("eurusd_m1", emas=range(2, 1001), settings=settings)
    assert err.value.parameter == "emas"
    assert time.perf_counter() - started < 1.0


def test_an_ema_indicator_repeating_an_ema_period_is_one_line(settings):
    emas = list(range(2, 2 + MAX_LINES))
    view = get_ohlcv("eurusd_m1", emas=emas, indicators="ema:2", limit=5, settings=settings)
    assert view.indicator_columns == tuple(f"ema_{p}" for p in emas)


def test_another_indicator_set_on_the_same_bars_does_not_resample_again(settings, monkeypatch):
    calls = []
    real = service.resample_ohlcv
    monkeypatch.setattr(service, "resample_ohlcv", lambda *a, **k: calls.append(1) or real(*a, **k))
    service._view_cache.clear()
    service._bars_cache.clear()
    rsi = get_ohlcv("eurusd_m1", timeframe="15m", indicators="rsi", settings=settings)
    macd = get_ohlcv("eurusd_m1", timeframe="15m", indicators="macd", settings=settings)
    assert len(calls) == 1
    np.testing.assert_array_equal(rsi.frame["close"], macd.frame["close"])
    get_ohlcv("eurusd_m1", timeframe="15m", chart="heikin_ashi", settings=settings)
    assert len(calls) == 2  # Heikin Ashi bars are other bars
