"""Many sources, one namespace: prefixed symbols, feed= and its fallback order, the combined
error, and the listing of every source's symbols, through get_ohlcv as every route calls it."""

from __future__ import annotations

import pytest

from app.core import get_ohlcv
from app.core.errors import (
    ParameterError,
    SymbolNotFoundError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)
from app.core.sources.configured import get_registry
from app.core.sources.names import split_prefix
from tests.sources.conftest import many_sources


def test_a_bare_symbol_goes_to_the_default_source(market):
    view = get_ohlcv("sample_ohlcv", limit=10, settings=many_sources(market))
    assert (view.symbol, view.source) == ("sample_ohlcv", "files")
    assert not market.requests


@pytest.mark.parametrize(
    ("symbol", "source", "shown"),
    [
        ("PYTH:Crypto.BTC/USD", "pyth", "PYTH:Crypto.BTC/USD"),
        ("pyth:crypto.btc/usd", "pyth", None),  # the prefix in any case; the symbol as is
        ("BINANCE:BTCUSDT", "binance", "BINANCE:BTCUSDT"),
        ("binance:btc/usdt", "binance", "BINANCE:BTCUSDT"),
        ("UDF:FX.EUR/USD", "udf", "UDF:FX.EUR/USD"),
        ("FILES:sample_ohlcv", "files", "sample_ohlcv"),
    ],
)
def test_a_prefixed_symbol_reaches_its_source(market, symbol, source, shown):
    settings = many_sources(market)
    if shown is None:
        with pytest.raises(SymbolNotFoundError):  # Pyth's names are case-sensitive
            get_ohlcv(symbol, limit=10, settings=settings)
        return
    view = get_ohlcv(symbol, limit=10, settings=settings)
    assert (view.source, view.symbol, len(view.frame)) == (source, shown, 10)
    again = get_ohlcv(view.symbol, limit=10, settings=settings)  # the shown name round-trips
    assert again.source == source


def test_a_prefixed_symbol_is_asked_of_its_source_alone(market):
    market.mode["udf"] = "down"
    with pytest.raises(UpstreamUnavailableError, match="Pyth"):
        get_ohlcv("PYTH:Crypto.BTC/USD", limit=10, settings=many_sources(market))
    assert not market.asked("binance")  # no fallback


def test_feed_picks_the_source_and_falls_back_in_feed_fallback_order(market):
    settings = many_sources(market, feed_fallback="pyth,binance")
    view = get_ohlcv("BTC/USD", feed="pyth", limit=10, settings=settings)
    assert (view.source, view.symbol) == ("pyth", "PYTH:Crypto.BTC/USD")
    market.mode["udf"] = "down"
    view = get_ohlcv("BTC/USDT", feed="pyth", limit=10, settings=settings)
    assert (view.source, view.symbol) == ("binance", "BINANCE:BTCUSDT")
    assert any("pyth could not answer" in n and "served by binance" in n for n in view.notices)
    order = [protocol for protocol, _path, _q in market.requests]
    assert order.index("udf") < order.index("binance")


def test_feed_binance_falls_back_to_pyth(market):
    market.mode["binance"] = "down"
    view = get_ohlcv("BTC/USD", feed="binance", limit=10, settings=many_sources(market))
    assert (view.source, view.symbol) == ("pyth", "PYTH:Crypto.BTC/USD")


def test_when_every_feed_fails_the_error_names_each_and_what_it_said(market):
    market.mode["udf"] = "slow"
    market.mode["binance"] = "down"
    market.slow_seconds = 3
    with pytest.raises(UpstreamTimeoutError) as err:
        settings = many_sources(market, request_timeout=1.0, exchange_deadline=2.0)
        get_ohlcv("BTC/USD", feed="pyth", limit=10, settings=settings)
    text = str(err.value)
    assert "pyth: Pyth at 127.0.0.1" in text and "did not answer" in text
    assert "binance: Binance at 127.0.0.1" in text and "HTTP 503" in text
    assert [label for label, _ in err.value.tried] == ["pyth", "binance"]


def test_unknown_everywhere_is_not_found(market):
    with pytest.raises(SymbolNotFoundError, match="No source has 'NOPE/USD'"):
        get_ohlcv("NOPE/USD", feed="pyth", limit=10, settings=many_sources(market))


def test_a_feed_outside_sources_or_clashing_with_the_prefix_is_refused(market):
    settings = many_sources(market)
    with pytest.raises(ParameterError, match="feed='kraken' is not a source") as err:
        get_ohlcv("BTC/USD", feed="kraken", settings=settings)
    assert err.value.parameter == "feed"
    with pytest.raises(ParameterError, match="drop the prefix or the feed"):
        get_ohlcv("PYTH:Crypto.BTC/USD", feed="binance", settings=settings)
    with pytest.raises(ParameterError, match="does not read"):
        get_ohlcv("API:EURUSD", settings=settings)


def test_an_unknown_prefix_is_part_of_a_bare_symbol(market):
    with pytest.raises(SymbolNotFoundError) as err:
        get_ohlcv("NYSE:IBM", settings=many_sources(market))
    assert err.value.symbol == "NYSE:IBM"
    assert split_prefix("NYSE:IBM").prefix == "nyse"


def test_every_sources_symbols_are_listed_and_searchable(market):
    registry = get_registry(many_sources(market))
    listing = registry.list_symbols()
    by_source = {}
    for info in listing.symbols:
        by_source.setdefault(info.source, []).append(info.symbol)
    assert "sample_ohlcv" in by_source["files"]
    assert by_source["binance"] == ["BINANCE:BTCUSDT", "BINANCE:ETHUSDT"]
    assert "PYTH:Crypto.BTC/USD" in by_source["pyth"]
    found = registry.search("btc").symbols
    assert [info.symbol for info in found] == [
        "BINANCE:BTCUSDT",
        "PYTH:Crypto.BTC/USD",
        "UDF:Crypto.BTC/USD",
    ]
    asked = len(market.asked("binance", "exchangeInfo"))
    registry.search("eth")
    assert len(market.asked("binance", "exchangeInfo")) == asked  # listings are kept


def test_a_source_that_cannot_list_is_named_not_fatal(market):
    market.mode["binance"] = "down"
    listing = get_registry(many_sources(market)).list_symbols()
    assert any(info.source == "pyth" for info in listing.symbols)
    assert len(listing.problems) == 1 and listing.problems[0].startswith("binance: Binance")
