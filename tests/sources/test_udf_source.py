"""The UDF client (the pyth and udf sources) against a UDF stand-in serving a real CSV."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from app.core.errors import (
    SymbolNotFoundError,
    UpstreamPayloadError,
    UpstreamTimeoutError,
    UpstreamTooLargeError,
    UpstreamUnavailableError,
)
from app.core.frame import frame_notices
from app.core.sources.names import SERVED_SYMBOL_ATTR
from app.core.sources.udf import UdfSource
from app.core.timeframes import parse_timeframe
from tests.sources.market_stand_in import SAMPLE_CSV, UDF_PAGE

H1 = parse_timeframe("1h")
CSV = pd.read_csv(SAMPLE_CSV)


def pyth(market, **extra) -> UdfSource:
    values = {"timeout": 5.0, "deadline": 10.0, "cache_ttl": 0, "max_bytes": 1024 * 1024}
    values.update(extra)
    return UdfSource("pyth", market.udf_url, **values)


def test_history_pages_back_to_the_bars_asked_and_equals_the_csv(market):
    frame = pyth(market).load("Crypto.BTC/USD", H1, limit=2500)
    assert len(frame) == 2500
    np.testing.assert_array_equal(frame["close"], CSV["close"].iloc[-2500:])
    np.testing.assert_array_equal(frame["volume"], CSV["volume"].iloc[-2500:])
    assert frame["time"].iloc[-1] == pd.Timestamp(CSV["time"].iloc[-1])
    history = market.asked("udf", "/history")
    # The CSV ends in 2024: no_data with nextTime first, then pages of UDF_PAGE bars back.
    assert len(history) == 1 + -(-2500 // UDF_PAGE)
    assert {q["resolution"] for q in history} == {"60"}
    assert all(q["symbol"] == "Crypto.BTC/USD" for q in history)


def test_a_window_from_start_is_the_first_bars_from_it(market):
    start = pd.Timestamp(CSV["time"].iloc[100])
    frame = pyth(market).load("Crypto.BTC/USD", H1, limit=50, start=start)
    assert frame["time"].iloc[0] == start and len(frame) == 50
    np.testing.assert_array_equal(frame["open"], CSV["open"].iloc[100:150])


def test_daily_resolution_is_asked_as_1D(market):
    frame = pyth(market).load("FX.EUR/USD", parse_timeframe("1d"), limit=30)
    assert len(frame) == 30
    assert market.asked("udf", "/history")[-1]["resolution"] == "1D"


def test_a_bare_pair_is_pyths_crypto_one_and_usdt_falls_back_to_usd_with_a_notice(market):
    source = pyth(market)
    frame = source.load("BTC/USD", H1, limit=10)
    assert frame.attrs[SERVED_SYMBOL_ATTR] == "Crypto.BTC/USD" and not frame_notices(frame)
    swapped = source.load("BTC/USDT", H1, limit=10)
    assert swapped.attrs[SERVED_SYMBOL_ATTR] == "Crypto.BTC/USD"
    assert "lists no BTC/USDT; showing Crypto.BTC/USD" in frame_notices(swapped)[0]


def test_an_unknown_symbol_is_not_found(market):
    with pytest.raises(SymbolNotFoundError, match="Unknown symbol"):
        pyth(market).load("Crypto.NOPE/USD", H1, limit=10)


def test_symbols_are_the_servers_search_list(market):
    names = [info.symbol for info in pyth(market).list_symbols()]
    assert names == ["Crypto.BTC/USD", "Equity.US.AAPL/USD", "FX.EUR/USD"]


@pytest.mark.parametrize(
    ("mode", "error", "words"),
    [
        ("down", UpstreamUnavailableError, "HTTP 503"),
        ("wrong", UpstreamPayloadError, "not JSON"),
        ("huge", UpstreamTooLargeError, "UPSTREAM_MAX_MB"),
        ("error", UpstreamPayloadError, "Backend exploded"),
    ],
)
def test_failures_map_to_our_errors_naming_pyth(market, mode, error, words):
    market.mode["udf"] = mode
    with pytest.raises(error, match=words) as err:
        pyth(market).load("Crypto.BTC/USD", H1, limit=10)
    assert "Pyth" in str(err.value)


def test_a_slow_server_is_cut_at_the_overall_deadline(market):
    market.mode["udf"] = "slow"
    started = time.monotonic()
    with pytest.raises(UpstreamTimeoutError):
        pyth(market, timeout=0.5, deadline=0.8).load("Crypto.BTC/USD", H1, limit=10)
    assert time.monotonic() - started < 2.0
