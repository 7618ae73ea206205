"""Fixtures for the sources tests: the market-data stand-in on 127.0.0.1, and settings reading
several sources at once from it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import Settings, load_settings
from tests.sources.market_stand_in import MarketStandIn

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def market() -> Iterator[MarketStandIn]:
    with MarketStandIn() as server:
        yield server


def many_sources(market: MarketStandIn, **extra: object) -> Settings:
    """files (default) + binance + pyth + udf, all but files on the stand-in."""
    values: dict[str, object] = {
        "sources": "files,binance,pyth,udf",
        "feed_fallback": "pyth,binance",
        "binance_url": market.url,
        "pyth_url": market.udf_url,
        "udf_url": market.udf_url,
        "data_dir": DATA_DIR,
        "request_timeout": 5.0,  # a loaded CI machine; the slow-answer tests pass shorter ones
        "exchange_deadline": 10.0,
        "cache_ttl": 0,
        "upstream_max_mb": 1,
    }
    values.update(extra)
    return load_settings(**values)
