"""The ccxt source in the namespace: a CCXT exchange id as a prefix asks that exchange alone,
and a pair an exchange lists only with the other dollar quote is served with a notice (CCXT
against the Binance and OKX stand-in of the exchange tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.config import load_settings
from app.core import get_ohlcv
from app.core.errors import UpstreamUnavailableError
from tests.images.fake_exchange import FakeExchanges
from tests.sources.conftest import DATA_DIR


@pytest.fixture
def fake() -> Iterator[FakeExchanges]:
    with FakeExchanges() as exchanges:
        yield exchanges


def settings(fake: FakeExchanges):
    return load_settings(
        sources="files,ccxt",
        data_dir=DATA_DIR,
        exchanges="binance,okx",
        exchange_api_urls=f"binance={fake.url},okx={fake.url}",
        cache_ttl=0,
        exchange_deadline=5,
    )


def test_usd_is_served_from_usdt_with_a_notice(fake):
    view = get_ohlcv("BTC/USD", feed="ccxt", limit=10, settings=settings(fake))
    assert (view.source, view.symbol) == ("ccxt", "CCXT:BTC/USDT")
    assert any("binance lists no BTC/USD; showing BTC/USDT" in n for n in view.notices)


def test_an_exchange_prefix_asks_that_exchange_alone(fake):
    view = get_ohlcv("OKX:BTC/USDT", limit=10, settings=settings(fake))
    assert (view.source, view.symbol) == ("ccxt", "OKX:BTC/USDT")
    assert fake.asked("okx", "candles") and not fake.asked("binance", "klines")
    fake.mode["okx"] = "down"
    with pytest.raises(UpstreamUnavailableError, match="okx"):
        get_ohlcv("okx:ETH/USDT", limit=10, settings=settings(fake))
    assert not fake.asked("binance", "klines")  # no fallback to the other exchange
