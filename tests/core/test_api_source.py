"""The REST API source against a real HTTP server on 127.0.0.1 (tests/core/fake_broker.py)."""

from __future__ import annotations

import logging
import socket
import time

import pandas as pd
import pytest

from app.config import load_settings
from app.core import (
    SymbolNotFoundError,
    UpstreamAuthError,
    UpstreamError,
    UpstreamPayloadError,
    UpstreamRateLimitedError,
    UpstreamSymbolNotFoundError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    get_ohlcv,
    list_symbols,
)
from app.core.sources.api import ApiSource
from tests.core.fake_broker import Answer, FakeBroker

KEY = "sk-live-TOPSECRET-9f8e7d"
BARS = [
    {"time": "2024-01-01T00:00:00Z", "open": 10, "high": 12, "low": 9, "close": 11, "volume": 5},
    {"time": "2024-01-01T01:00:00Z", "open": 11, "high": 13, "low": 10, "close": 12, "volume": 7},
    {"time": "2024-01-01T02:00:00Z", "open": 12, "high": 12.5, "low": 11, "close": 11.5},
]


def make_source(broker: FakeBroker, **kwargs) -> ApiSource:
    options = {"timeout": 2.0, "cache_ttl": 60.0, "retries": 2, "backoff_factor": 0.05}
    options.update(kwargs)
    return ApiSource(broker.base_url, KEY, **options)


def test_success_sends_key_and_parameters_and_returns_canonical_frame(broker):
    broker.script("ohlcv", Answer(200, BARS))
    frame = make_source(broker).load("AAPL")

    assert list(frame.columns) == ["time", "open", "high", "low", "close", "volume"]
    assert str(frame["time"].dtype) == "datetime64[ns, UTC]"
    assert frame["close"].tolist() == [11.0, 12.0, 11.5]
    assert frame["volume"].tolist() == [5.0, 7.0, 0.0]  # missing volume -> 0
    seen = broker.requests[0]
    assert seen.headers["Authorization"] == f"Bearer {KEY}"
    assert seen.query == {"symbol": "AAPL", "timeframe": "1h", "limit": "5000"}


@pytest.mark.parametrize(
    "payload",
    [
        [{"t": 1704067200000, "o": 1, "h": 2, "l": 0.5, "c": 1.5, "v": 3}],
        [[1704067200, 1, 2, 0.5, 1.5, 3]],
        [[1704067200000, "1", "2", "0.5", "1.5", "3"]],
        {"data": [[1704067200, 1, 2, 0.5, 1.5, 3]]},
        {
            "data": [
                {
                    "Time": "2024-01-01T01:00:00+01:00",
                    "Open": 1,
                    "High": 2,
                    "Low": 0.5,
                    "Close": 1.5,
                    "Volume": 3,
                }
            ]
        },
    ],
    ids=["short-keys-epoch-ms", "arrays-epoch-s", "arrays-of-strings", "data-key", "offset"],
)
def test_accepted_payload_shapes(broker, payload):
    broker.script("ohlcv", Answer(200, payload))
    frame = make_source(broker).load("X", None)
    assert frame["time"].iloc[0] == pd.Timestamp("2024-01-01T00:00:00Z")
    assert frame.iloc[0, 1:].tolist() == [1.0, 2.0, 0.5, 1.5, 3.0]


def test_timeframe_is_asked_of_the_api(broker):
    broker.script("ohlcv", Answer(200, BARS))
    view = get_ohlcv(
        "AAPL",
        timeframe="H4",
        settings=load_settings(data_source="api", data_api_base=broker.base_url),
    )
    assert broker.requests[0].query["timeframe"] == "4h"
    assert view.timeframe.name == "4h"


def test_a_window_is_asked_of_the_api_with_bars_to_warm_the_emas(broker):
    broker.script("ohlcv", Answer(200, BARS))
    view = get_ohlcv(
        "AAPL",
        emas=(5,),
        end=pd.Timestamp("2024-01-01T03:00+01:00"),
        limit=2,
        settings=load_settings(data_source="api", data_api_base=broker.base_url),
    )
    assert broker.requests[0].query == {
        "symbol": "AAPL",
        "timeframe": "1h",
        "limit": "17",
        "end": "2024-01-01T02:00:00Z",
    }
    assert view.frame["time"].dt.hour.tolist() == [1, 2]


@pytest.mark.parametrize("status", [401, 403])
def test_bad_key(broker, status):
    broker.script("ohlcv", Answer(status, {"detail": "invalid key"}))
    with pytest.raises(
        UpstreamAuthError, match=rf"refused our key \(HTTP {status}\).*DATA_API_KEY"
    ):
        make_source(broker).load("AAPL")
    assert broker.count() == 1  # not retried


def test_unknown_symbol(broker):
    broker.script("ohlcv", Answer(404, {"detail": "unknown symbol"}))
    with pytest.raises(UpstreamSymbolNotFoundError, match="does not know the symbol 'NOPE'") as err:
        make_source(broker).load("NOPE")
    assert isinstance(err.value, SymbolNotFoundError)


def test_429_then_success_honours_retry_after(broker):
    broker.script(
        "ohlcv", Answer(429, {"detail": "slow down"}, {"Retry-After": "1"}), Answer(200, BARS)
    )
    started = time.monotonic()
    frame = make_source(broker).load("AAPL")
    assert time.monotonic() - started >= 0.9  # waited the second it was asked to
    assert len(frame) == 3
    assert broker.count() == 2


def test_rate_limited_after_retries(broker):
    broker.script("ohlcv", Answer(429, {"detail": "slow down"}, {"Retry-After": "0"}))
    with pytest.raises(UpstreamRateLimitedError, match=r"rate-limiting us \(HTTP 429\) after 2"):
        make_source(broker).load("AAPL")
    assert broker.count() == 3  # first try + 2 retries


def test_500s_are_retried_then_reported(broker):
    broker.script("ohlcv", Answer(500, "boom"))
    with pytest.raises(UpstreamUnavailableError, match=r"unavailable \(HTTP 500\) after 2 retries"):
        make_source(broker).load("AAPL")
    assert broker.count() == 3


def test_503_then_success(broker):
    broker.script("ohlcv", Answer(503, "busy"), Answer(502, "busy"), Answer(200, BARS))
    assert len(make_source(broker).load("AAPL")) == 3
    assert broker.count() == 3


def test_timeout(broker):
    broker.script("ohlcv", Answer(200, BARS, delay=1.5))
    started = time.monotonic()
    with pytest.raises(
        UpstreamTimeoutError, match=r"did not answer within 0.3 s \(REQUEST_TIMEOUT, "
    ):
        make_source(broker, timeout=0.3).load("AAPL")
    assert time.monotonic() - started < 1.2  # a read timeout is not retried


def test_connection_refused():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    source = ApiSource(f"http://127.0.0.1:{port}", KEY, retries=1, backoff_factor=0.01)
    with pytest.raises(
        UpstreamUnavailableError, match=f"Could not reach the data API at 127.0.0.1:{port}"
    ):
        source.load("AAPL")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (Answer(200, b"<html>oops</html>", {"Content-Type": "text/html"}), r"not JSON \(text/html"),
        (Answer(200, b'[{"time": 1704067200, "open": 1'), "not JSON"),
        (Answer(200, {"error": "x"}), "expected a JSON list of bars.*got a dict with keys error"),
        (Answer(200, []), "no bars"),
        (Answer(200, [[1704067200, 1, 2]]), r"\[time, open, high, low, close, volume\]"),
        (Answer(200, [{"time": 1704067200, "open": 1, "high": 2}]), "missing columns low, close"),
        (
            Answer(200, [{"t": 1704067200, "o": 1, "h": 2, "l": 0.5, "c": "n/a"}]),
            r"column 'c' has values that are not numbers in row 1 \('n/a'\)",
        ),
        (
            Answer(200, [[1704067200, 1, 0.9, 0.5, 1.5, 3]]),
            r"'high' is below open or close in row 1 \(2024-01-01 00:00 UTC\)",
        ),
        (
            Answer(200, [{**BARS[0], "time": None}, {**BARS[1], "time": 1704070800}]),
            r"time column 'time' is empty in row 1\. Every bar needs a time",
        ),
        (
            Answer(200, [[1704067200, 1, 2, 0.5, 1.5, 3], [None, 1, 2, 0.5, 1.5, 3]]),
            r"time column 'time' is empty in row 2\. Every bar needs a time",
        ),
        (
            Answer(200, [[1704067200, 1, 2, 0.5, 1.5, 3], [1704070800000, 1, 2, 0.5, 1.5, 3]]),
            r"mixes epoch units: most values are epoch seconds, but row 2 \(1704070800000\) "
            r"looks like milliseconds",
        ),
    ],
    ids=[
        "html",
        "truncated",
        "wrong-shape",
        "empty",
        "short-array",
        "missing",
        "nan",
        "high",
        "null-time-object",
        "null-time-array",
        "mixed-units",
    ],
)
def test_malformed_payloads(broker, answer, message):
    broker.script("ohlcv", answer)
    with pytest.raises(UpstreamPayloadError, match=message):
        make_source(broker).load("AAPL")


def test_answers_are_cached_for_the_ttl(broker):
    broker.script("ohlcv", Answer(200, BARS))
    source = make_source(broker, cache_ttl=30)
    first = source.load("AAPL")
    assert source.load(" AAPL ") is first
    assert broker.count() == 1
    short = make_source(broker, cache_ttl=0.2)
    short.load("AAPL")
    time.sleep(0.25)
    short.load("AAPL")
    assert broker.count() == 3  # expired: asked again


def test_no_cache_when_ttl_is_zero(broker):
    broker.script("ohlcv", Answer(200, BARS))
    source = make_source(broker, cache_ttl=0)
    source.load("AAPL")
    source.load("AAPL")
    assert broker.count() == 2


def test_symbol_list_from_the_api_or_the_default(broker):
    settings = load_settings(
        data_source="api", data_api_base=broker.base_url, default_symbol="EURUSD"
    )
    assert [s.symbol for s in list_symbols(settings)] == ["EURUSD"]  # no /symbols endpoint
    broker.script("symbols", Answer(200, {"data": [{"symbol": "AAPL"}, {"symbol": "MSFT"}]}))
    assert [s.symbol for s in make_source(broker).list_symbols()] == ["AAPL", "MSFT"]


FAILURES = [
    Answer(401, {"detail": f"bad token Bearer {KEY}"}),
    Answer(404, {"detail": "no"}),
    Answer(429, {"detail": KEY}, {"Retry-After": "0"}),
    Answer(500, f"stack trace with {KEY}"),
    Answer(400, {"detail": f"we got Authorization: Bearer {KEY}"}),
    Answer(200, f"<html>{KEY}</html>"),
    Answer(200, [{"time": KEY, "open": 1, "high": 2, "low": 0.5, "close": 1.5}]),
    Answer(200, BARS, delay=1.0),
]


@pytest.mark.parametrize("answer", FAILURES, ids=lambda a: f"{a.status}-{a.delay}")
def test_the_key_never_leaks_into_errors_or_logs(broker, answer, caplog):
    caplog.set_level(logging.DEBUG)
    broker.script("ohlcv", answer)
    with pytest.raises(UpstreamError) as err:
        make_source(broker, timeout=0.3).load("AAPL")
    assert KEY not in str(err.value)
    assert KEY not in repr(err.value.args)
    assert KEY not in caplog.text
    assert err.value.__cause__ is None or KEY not in str(err.value.__cause__)


def test_the_key_never_leaks_into_settings_errors(monkeypatch):
    monkeypatch.setenv("DATA_API_KEY", KEY)
    monkeypatch.setenv("DATA_SOURCE", "api")
    monkeypatch.setenv("DATA_API_BASE", "")
    with pytest.raises(Exception) as err:
        load_settings()
    assert "DATA_API_BASE must be set" in str(err.value)
    assert KEY not in str(err.value)
