"""The synthetic generator and the bundled sample data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from app.core import read_ohlcv_file
from app.core.synthetic import synthetic_ohlcv
from scripts.make_sample_data import write_sample

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample_ohlcv.csv"


def test_deterministic_and_canonical():
    first = synthetic_ohlcv(2000, "15m", seed=11, start="2024-03-04")
    pd.testing.assert_frame_equal(first, synthetic_ohlcv(2000, "15m", seed=11, start="2024-03-04"))
    assert not first.equals(synthetic_ohlcv(2000, "15m", seed=12, start="2024-03-04"))
    assert str(first["time"].dtype) == "datetime64[ns, UTC]"
    assert first["time"].iloc[0] == pd.Timestamp("2024-03-04", tz="UTC")
    assert (first["time"].diff().dropna() == pd.Timedelta("15min")).all()
    body_top = np.maximum(first["open"], first["close"])
    body_bottom = np.minimum(first["open"], first["close"])
    assert (first["high"] >= body_top).all() and (first["low"] <= body_bottom).all()
    assert (first["volume"] > 0).all()


def test_looks_like_a_market():
    frame = synthetic_ohlcv(5000, "1h")
    returns = np.log(frame["close"]).diff().dropna()
    abs_returns = returns.abs()
    # Volatility clusters: big moves follow big moves.
    assert abs_returns.autocorr(lag=1) > 0.1
    # Volume follows volatility.
    assert np.corrcoef(abs_returns, frame["volume"].iloc[1:])[0, 1] > 0.2
    # Trends: the price wanders well away from where it started.
    assert frame["close"].max() / frame["close"].min() > 1.3


def test_sample_file_is_the_script_output(tmp_path):
    fresh = write_sample(tmp_path / "sample.csv")
    assert fresh.read_bytes() == SAMPLE.read_bytes()
    assert SAMPLE.stat().st_size < 1024 * 1024
    frame = read_ohlcv_file(SAMPLE)
    assert len(frame) == 5000
    pd.testing.assert_frame_equal(frame, synthetic_ohlcv(5000, "1h", seed=7, start="2024-01-01"))
    assert SAMPLE.read_text().splitlines()[1].startswith("2024-01-01T00:00:00Z,")
