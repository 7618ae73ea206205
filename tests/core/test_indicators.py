"""Indicator values against hand-computed series (TradingView definitions)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.core import ParameterError, add_emas, ema_column
from app.core.frame import canonical_frame_from_ns, epoch_nanoseconds
from app.core.indicators import (
    add_atr,
    add_bollinger_bands,
    add_macd,
    add_obv,
    add_rsi,
    add_smas,
    add_stochastic,
    add_vwap,
    add_wmas,
)
from app.core.synthetic import synthetic_ohlcv

CLOSES = [10.0, 11.0, 12.0, 11.0, 10.0, 12.0, 14.0]


def frame_of(closes, *, volumes=None, start="2024-01-01", freq="1h") -> pd.DataFrame:
    closes = np.asarray(closes, dtype=float)
    n = len(closes)
    times = pd.date_range(start, periods=n, freq=freq, tz="UTC", unit="ns")
    volumes = np.ones(n) if volumes is None else np.asarray(volumes, dtype=float)
    return canonical_frame_from_ns(
        epoch_nanoseconds(times), closes.copy(), closes + 1, closes - 1, closes.copy(), volumes
    )


def test_ema_matches_hand_computed_tradingview_values():
    # period 3: alpha = 2 / (3 + 1) = 0.5; seed = SMA(10, 11, 12) = 11 at the third bar;
    # then 0.5*11 + 0.5*11 = 11, 0.5*10 + 0.5*11 = 10.5, 0.5*12 + 0.5*10.5 = 11.25,
    # 0.5*14 + 0.5*11.25 = 12.625. The first period - 1 values are empty.
    out = add_emas(frame_of(CLOSES), [3])
    np.testing.assert_allclose(
        out["ema_3"].to_numpy(), [np.nan, np.nan, 11.0, 11.0, 10.5, 11.25, 12.625]
    )


def test_ema_period_2():
    # alpha = 2/3; seed = (10 + 11) / 2 = 10.5; next = 2/3*12 + 1/3*10.5 = 11.5;
    # then 2/3*11 + 1/3*11.5 = 11.1666...
    out = add_emas(frame_of(CLOSES[:4]), [2])
    np.testing.assert_allclose(out["ema_2"].to_numpy(), [np.nan, 10.5, 11.5, 11 + 1 / 6])


def test_add_emas_leaves_the_input_alone_and_names_columns():
    frame = frame_of(CLOSES)
    out = add_emas(frame, [3, 5, 3])
    assert list(frame.columns) == ["time", "open", "high", "low", "close", "volume"]
    assert list(out.columns)[6:] == [ema_column(3), ema_column(5)] == ["ema_3", "ema_5"]
    assert out["ema_5"].isna().sum() == 4


def test_ema_too_long_for_the_data_is_all_empty():
    out = add_emas(frame_of(CLOSES), [150])
    assert out["ema_150"].isna().all()


@pytest.mark.parametrize("period", [1, 0, 1001, "10"])
def test_bad_periods(period):
    with pytest.raises(ParameterError, match="EMA period"):
        add_emas(frame_of(CLOSES), [period])


def test_sma_wma():
    out = add_wmas(add_smas(frame_of(CLOSES), [3]), [3])
    np.testing.assert_allclose(out["sma_3"].to_numpy()[2:], [11, 34 / 3, 11, 11, 12])
    # WMA(3) = (1*c[t-2] + 2*c[t-1] + 3*c[t]) / 6
    np.testing.assert_allclose(
        out["wma_3"].to_numpy()[2:4], [(10 + 22 + 36) / 6, (11 + 24 + 33) / 6]
    )


def test_rsi_extremes_and_range():
    rising = add_rsi(frame_of(np.arange(1.0, 40.0)), 14)["rsi_14"].to_numpy()
    assert np.isnan(rising[:14]).all() and np.allclose(rising[14:], 100.0)
    rsi = add_rsi(synthetic_ohlcv(500), 14)["rsi_14"].dropna()
    assert rsi.between(0, 100).all() and 20 < rsi.mean() < 80


def test_macd_is_fast_ema_minus_slow_ema_as_on_tradingview():
    frame = synthetic_ohlcv(300)
    out = add_macd(frame)
    emas = add_emas(frame, [12, 26])
    macd = out["macd"].to_numpy()
    np.testing.assert_allclose(macd, (emas["ema_12"] - emas["ema_26"]).to_numpy())
    assert np.isnan(macd[:25]).all() and not np.isnan(macd[25])
    signal = out["macd_signal"].to_numpy()
    assert np.isnan(signal[:33]).all()
    assert signal[33] == pytest.approx(macd[25:34].mean())  # SMA seed of the first 9 MACDs
    np.testing.assert_allclose(out["macd_hist"], out["macd"] - out["macd_signal"])
    with pytest.raises(ParameterError, match="fast period must be below the slow one"):
        add_macd(frame, fast=26, slow=12)


def test_bollinger_bands():
    out = add_bollinger_bands(frame_of(CLOSES), period=3, deviations=2)
    window = np.array(CLOSES[:3])
    assert out["bb_middle"].iloc[2] == pytest.approx(window.mean())
    assert out["bb_upper"].iloc[2] == pytest.approx(window.mean() + 2 * window.std())
    assert out["bb_lower"].iloc[2] == pytest.approx(window.mean() - 2 * window.std())


def test_atr_of_constant_ranges():
    # high - low = 2 every bar and gaps are small: the true range is 2 or the gap-adjusted one.
    out = add_atr(frame_of([10.0] * 30), 14)
    np.testing.assert_allclose(out["atr_14"].to_numpy()[14:], 2.0)


def test_stochastic_bounds():
    out = add_stochastic(synthetic_ohlcv(300))
    for column in ("stoch_k", "stoch_d"):
        assert out[column].dropna().between(0, 100).all()


def test_obv_hand_computed():
    out = add_obv(frame_of([10, 11, 11, 9, 12], volumes=[5, 3, 4, 2, 6]))
    assert out["obv"].tolist() == [5.0, 8.0, 8.0, 6.0, 12.0]


def test_vwap_restarts_each_utc_day():
    # Four 12-hour bars over two days; typical price = close here since high/low are +-1.
    out = add_vwap(frame_of([10, 20, 30, 50], volumes=[1, 3, 1, 1], freq="12h"))
    np.testing.assert_allclose(out["vwap"], [10.0, (10 + 60) / 4, 30.0, 40.0])


def test_recomputing_an_indicator_replaces_its_column():
    once = add_emas(frame_of(CLOSES), [3])
    twice = add_emas(once, [3, 2])
    assert list(twice.columns)[6:] == ["ema_3", "ema_2"]
    np.testing.assert_allclose(twice["ema_3"], once["ema_3"])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda f: add_bollinger_bands(f, deviations="2"),
            "Bollinger deviations must be a number above 0 and at most 10, got '2'.",
        ),
        (
            lambda f: add_bollinger_bands(f, deviations=0),
            "Bollinger deviations must be above 0 and at most 10, got 0.",
        ),
        (
            lambda f: add_bollinger_bands(f, deviations=float("nan")),
            "Bollinger deviations must be above 0 and at most 10, got nan.",
        ),
        (
            lambda f: add_bollinger_bands(f, deviations=True),
            "Bollinger deviations must be a number above 0 and at most 10, got True.",
        ),
        (
            lambda f: add_stochastic(f, k_smoothing=0),
            "Stochastic %K smoothing must be from 1 to 1000, got 0.",
        ),
        (
            lambda f: add_stochastic(f, d_period=-3),
            "Stochastic %D period must be from 1 to 1000, got -3.",
        ),
        (
            lambda f: add_stochastic(f, k_smoothing=2.5),
            "Stochastic %K smoothing must be a whole number, got 2.5.",
        ),
        (lambda f: add_rsi(f, "14"), "RSI period must be a whole number, got '14'."),
    ],
    ids=["bb-text", "bb-zero", "bb-nan", "bb-bool", "k-zero", "d-negative", "k-float", "rsi-text"],
)
def test_bad_indicator_parameters_are_parameter_errors(call, message):
    with pytest.raises(ParameterError) as err:
        call(synthetic_ohlcv(50, "1h"))
    assert str(err.value) == message


def test_stochastic_without_smoothing_is_allowed():
    frame = add_stochastic(synthetic_ohlcv(50, "1h"), k_smoothing=1, d_period=1)
    assert frame["stoch_k"].dropna().between(0, 100).all()
