"""Hostile exchange answers (#19): size caps, one deadline, honest errors and notices."""

from __future__ import annotations

import re
import time
import tracemalloc
from collections.abc import Iterator

import pytest

from app.core import (
    SymbolNotFoundError,
    UpstreamPayloadError,
    UpstreamTimeoutError,
    parse_timeframe,
)
from app.core.errors import UpstreamTooLargeError
from app.core.frame import frame_notices
from app.core.sources.exchange import ExchangeSource
from tests.images.fake_exchange import FakeExchanges

H1 = parse_timeframe("1h")
MB = 1024 * 1024


@pytest.fixture
def fake() -> Iterator[FakeExchanges]:
    with FakeExchanges() as exchanges:
        yield exchanges


def binance_only(fake: FakeExchanges, **options) -> ExchangeSource:
    return ExchangeSource(("binance",), api_urls={"binance": fake.url}, cache_ttl=0, **options)


def test_a_huge_candle_page_is_refused_while_it_streams_in(fake):
    source = binance_only(fake, deadline=8.0)
    source.load("BTC/USDT", H1, limit=5)  # CCXT's client and markets made before measuring
    fake.mode["binance"] = "huge"
    fake.huge_bytes = 64 * MB
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(UpstreamTooLargeError) as caught:
            source.load("BTC/USDT", H1, limit=1000)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    assert "binance sent an answer too large to read: /api/v3/klines" in message
    assert "UPSTREAM_MAX_MB is 50" in message
    assert elapsed < 3.0  # was 30 s for 170 MB, with EXCHANGE_DEADLINE=8
    assert peak < 8 * MB  # was the whole answer and its decoding: 2.4 GB RSS for 170 MB
    assert fake.sent_bytes < 16 * MB  # what the socket buffers took before we hung up


def test_upstream_max_mb_caps_every_answer(fake):
    with pytest.raises(UpstreamTooLargeError, match=r"the cap on every answer \(UPSTREAM_MAX_MB"):
        binance_only(fake, max_bytes=64 * 1024).load("BTC/USDT", H1, limit=1000)  # ~150 KB page
    assert binance_only(fake, max_bytes=1 * MB).load("BTC/USDT", H1, limit=1000).shape[0] == 1000


def test_a_huge_page_from_one_exchange_falls_back_to_the_next(fake):
    fake.mode["binance"] = "huge"
    source = ExchangeSource(
        ("binance", "okx"), api_urls={"binance": fake.url, "okx": fake.url}, cache_ttl=0
    )
    assert len(source.load("BTC/USDT", H1, limit=400)) == 400


@pytest.mark.slow
def test_a_dripping_answer_is_cut_at_the_deadline(fake):
    fake.mode["binance"] = "drip"
    fake.drip_seconds = 20.0  # every read succeeds: no per-read timeout ever trips
    started = time.monotonic()
    with pytest.raises(UpstreamTimeoutError) as caught:
        binance_only(fake, deadline=2.0, request_timeout=10.0).load("BTC/USDT", H1, limit=10)
    assert time.monotonic() - started < 3.5  # was the whole drip: 20 s (deadline 2 s)
    assert "binance was still sending when time ran out" in str(caught.value)
    assert "EXCHANGE_DEADLINE is 2 s" in str(caught.value)


def test_pages_repeating_one_old_row_come_with_a_notice(fake):
    fake.mode["binance"] = "repeat"
    fake.repeat_hours = 997
    frame = binance_only(fake).load("BTC/USDT", H1, limit=1000)
    assert len(frame) == 1
    age_h = (time.time() - frame["time"].iloc[-1].timestamp()) / 3600
    assert 997 <= age_h < 998
    (notice,) = frame_notices(frame)
    assert "binance sent 1 of the 1,000 1h bars of BTC/USDT" in notice
    assert re.search(r"opened .+ UTC, 99[78] h \(42 days\) before the end of the window", notice)


def test_candles_only_older_than_the_window_are_not_an_unknown_pair(fake):
    fake.mode["binance"] = "repeat"
    fake.repeat_hours = 5000  # before the 100 bars asked for
    with pytest.raises(SymbolNotFoundError) as caught:
        binance_only(fake).load("BTC/USDT", H1, limit=100)
    assert "No exchange lists" not in str(caught.value)  # it does list it
    assert str(caught.value).startswith("No exchange has 1h bars of BTC/USDT in that window")


def test_unusable_candles_name_the_exchange_once(fake):
    fake.mode["binance"] = "bad"
    with pytest.raises(UpstreamPayloadError) as caught:
        binance_only(fake).load("BTC/USDT", H1, limit=2)
    message = str(caught.value)
    assert message.count("binance") == 1 and message.count("BTC/USDT 1h") == 1, message
    assert "binance sent candles we cannot use: 'high' is below open or close" in message
