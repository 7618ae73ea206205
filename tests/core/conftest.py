"""Fixtures for the core tests: small OHLCV files, and a fake broker API on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.core.fake_broker import FakeBroker


@pytest.fixture
def broker() -> Iterator[FakeBroker]:
    with FakeBroker() as server:
        yield server
