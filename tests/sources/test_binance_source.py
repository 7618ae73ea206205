"""The direct Binance source against a stand-in speaking Binance's klines format."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from app.core.errors import (
    ParameterError,
    SymbolNotFoundError,
    UpstreamError,
    UpstreamPayloadError,
    UpstreamTimeoutError,
    UpstreamTooLargeError,
    UpstreamUnavailableError,
)
from app.core.frame import frame_notices
from app.core.sources.binance import BinanceSource
from app.core.sources.names import SERVED_SYMBOL_ATTR
from app.core.timeframes import parse_timeframe
from tests.sources.market_stand_in import SAMPLE_CSV

H1 = parse_timeframe("1h")
CSV = pd.read_csv(SAMPLE_CSV)


def binance(market, **extra) -> BinanceSource:
    values = {"timeout": 5.0, "deadline": 10.0, "cache_ttl": 0, "max_bytes": 1024 * 1024}
    values.update(extra)
    return BinanceSource(market.url, **values)


def test_klines_are_paged_to_the_bars_asked_with_the_csvs_values(market):
    frame = binance(market).load("BTCUSDT", H1, limit=2500)
    assert len(frame) == 2500
    np.testing.assert_allclose(frame["close"], CSV["close"].iloc[-2500:])
    newest = pd.Timestamp(int(market.binance_bars.t[-1]), unit="s", tz="UTC")
    assert frame["time"].iloc[-1] == newest
    pages = market.asked("binance", "/klines")
    assert len(pages) == 3 and all(int(q["limit"]) == 1000 for q in pages)
    assert [int(q["startTime"]) for q in pages] == sorted(int(q["startTime"]) for q in pages)


def test_a_slash_pair_and_the_other_dollar_quote(market):
    source = binance(market)
    assert source.load("btc/usdt", H1, limit=5).attrs[SERVED_SYMBOL_ATTR] == "BTCUSDT"
    swapped = source.load("BTC/USD", H1, limit=5)
    assert swapped.attrs[SERVED_SYMBOL_ATTR] == "BTCUSDT"
    assert frame_notices(swapped) == (
        "Binance lists no BTCUSD; showing BTCUSDT instead (USD and USDT prices differ slightly).",
    )


def test_unknown_symbols_and_intervals(market):
    with pytest.raises(SymbolNotFoundError, match="Binance does not list NOPEUSDC"):
        binance(market).load("NOPEUSDC", H1, limit=5)
    with pytest.raises(ParameterError, match="Invalid interval") as err:
        binance(market).load("BTCUSDT", parse_timeframe("4h"), limit=5)
    assert err.value.parameter == "timeframe"


def test_symbols_are_exchange_infos_trading_pairs(market):
    assert [info.symbol for info in binance(market).list_symbols()] == ["BTCUSDT", "ETHUSDT"]


@pytest.mark.parametrize(
    ("mode", "error", "words"),
    [
        ("down", UpstreamUnavailableError, "HTTP 503"),
        ("wrong", UpstreamPayloadError, "not JSON"),
        ("huge", UpstreamTooLargeError, "UPSTREAM_MAX_MB"),
        ("error", UpstreamError, "HTTP 400\\): Illegal characters"),
    ],
)
def test_failures_map_to_our_errors(market, mode, error, words):
    market.mode["binance"] = mode
    with pytest.raises(error, match=words) as err:
        binance(market).load("BTCUSDT", H1, limit=5)
    assert "Binance" in str(err.value)


def test_a_slow_exchange_is_cut_at_the_overall_deadline(market):
    market.mode["binance"] = "slow"
    started = time.monotonic()
    with pytest.raises(UpstreamTimeoutError):
        binance(market, timeout=0.5, deadline=0.8).load("BTCUSDT", H1, limit=5)
    assert time.monotonic() - started < 2.0
