"""``GET /api/quotes`` and the WS ``quotes`` subscription on a real server over a temp DATA_DIR
whose CSV files the tests append to."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from tests.async_run import run_async
from tests.live.conftest import (
    BARS,
    SYMBOL,
    api_bars,
    append,
    next_frame,
    row,
    run_server,
    write_minutes,
    ws_url,
)


@pytest.fixture(scope="module")
def quotes_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("quotes")
    write_minutes(folder / f"{SYMBOL}.csv")
    write_minutes(folder / "GBPUSD.csv", seed=2)
    write_minutes(folder / "USDJPY.csv", seed=3)
    return folder


@pytest.fixture(scope="module")
def quotes_server(quotes_dir: Path) -> Iterator[str]:
    with run_server(quotes_dir, QUOTES_MAX_SYMBOLS="3", QUOTES_MAX_FOLLOWED="2") as base:
        yield base


def expected_quote(base: str, symbol: str) -> dict:
    """From /api/ohlcv's 1m bars: the newest close against the last close of the hour before."""
    bars = api_bars(base, symbol=symbol, timeframe="1m", emas="", limit=1000)
    last = bars[-1]
    hour = last["time"] - last["time"] % 3600
    before = [bar for bar in bars if bar["time"] < hour][-1]
    return {"time": last["time"], "last": last["close"], "previous_close": before["close"]}


def test_quotes_in_the_order_asked_with_an_unknown_symbol(quotes_server: str):
    answer = httpx.get(
        quotes_server + "/api/quotes",
        params={"symbols": "GBPUSD,NOPE,eurusd", "timeframe": "1h"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    quotes = answer.json()
    assert [q["symbol"] for q in quotes] == ["GBPUSD", "NOPE", "eurusd"]
    assert "Unknown symbol" in quotes[1]["error"]
    for quote, symbol in ((quotes[0], "GBPUSD"), (quotes[2], SYMBOL)):
        want = expected_quote(quotes_server, symbol)
        assert quote["time"] == want["time"]
        assert quote["last"] == want["last"]
        assert quote["previous_close"] == want["previous_close"]
        change = want["last"] - want["previous_close"]
        assert quote["change"] == pytest.approx(change, abs=1e-9)
        assert quote["change_pct"] == pytest.approx(change / want["previous_close"] * 100, 1e-4)


def test_a_daily_quote_of_one_day_has_no_previous_close(quotes_server: str):
    quotes = httpx.get(
        quotes_server + "/api/quotes", params={"symbols": "GBPUSD"}, timeout=30
    ).json()
    assert quotes[0]["previous_close"] is None
    assert quotes[0]["change"] is None
    assert quotes[0]["last"] == expected_quote(quotes_server, "GBPUSD")["last"]


def test_quotes_caps_are_named(quotes_server: str):
    over = httpx.get(quotes_server + "/api/quotes", params={"symbols": "A,B,C,D"}, timeout=30)
    assert over.status_code == 422
    assert "QUOTES_MAX_SYMBOLS" in over.json()["detail"]
    bad_tf = httpx.get(
        quotes_server + "/api/quotes", params={"symbols": "GBPUSD", "timeframe": "7x"}, timeout=30
    )
    assert bad_tf.status_code == 422
    assert httpx.get(quotes_server + "/api/quotes", timeout=30).status_code == 422


def test_the_watchlist_frame_arrives_when_a_watched_file_grows(
    quotes_server: str, quotes_dir: Path
):
    async def scenario() -> None:
        async with websockets.connect(ws_url(quotes_server)) as ws:
            request = {"type": "quotes", "id": "wl", "symbols": [SYMBOL, "NOPE"],
                       "timeframe": "1h"}  # fmt: skip
            await ws.send(json.dumps(request))
            first = await next_frame(ws, 10.0, kind="quotes")
            assert first["id"] == "wl" and first["snapshot"] is True
            assert [q["symbol"] for q in first["quotes"]] == [SYMBOL, "NOPE"]
            assert "error" in first["quotes"][1]
            previous = first["quotes"][0]["last"]
            append(quotes_dir / f"{SYMBOL}.csv", row(BARS + 5, 321.5))
            update = await next_frame(ws, 10.0, kind="quotes")
            assert update["snapshot"] is False
            (quote,) = update["quotes"]
            assert quote["symbol"] == SYMBOL
            assert quote["last"] == 321.5
            assert quote["time"] == first["quotes"][0]["time"] + 6 * 60
            assert quote["previous_close"] == first["quotes"][0]["previous_close"]
            assert quote["last"] != previous
            # the HTTP answer agrees with what was pushed
            http = httpx.get(
                quotes_server + "/api/quotes",
                params={"symbols": SYMBOL, "timeframe": "1h"},
                timeout=30,
            ).json()[0]
            assert http == quote
            await ws.send(json.dumps({"type": "unsubscribe", "id": "wl"}))
            stats = httpx.get(quotes_server + "/api/stats", timeout=30).json()
            assert stats["total_subscriptions"] == 0

    run_async(scenario())


def test_bad_quotes_requests_get_an_error_frame(quotes_server: str):
    async def scenario() -> None:
        async with websockets.connect(ws_url(quotes_server)) as ws:
            await ws.send(json.dumps({"type": "quotes", "symbols": ["A", "B", "C", "D"]}))
            error = await next_frame(ws, 10.0)
            assert error["type"] == "error"
            assert "QUOTES_MAX_SYMBOLS" in error["detail"]
            await ws.send(json.dumps({"type": "quotes", "symbols": "EURUSD", "timeframe": 5}))
            error = await next_frame(ws, 10.0)
            assert error["type"] == "error" and "timeframe" in error["detail"]

    run_async(scenario())


def test_the_process_follows_at_most_its_cap_of_symbols(quotes_server: str):
    async def scenario() -> dict:
        async with websockets.connect(ws_url(quotes_server)) as ws:
            request = {"type": "quotes", "symbols": [SYMBOL, "GBPUSD", "USDJPY"]}
            await ws.send(json.dumps(request))
            return await next_frame(ws, 10.0, kind="quotes")

    quotes = run_async(scenario())["quotes"]
    assert [("error" in q) for q in quotes].count(True) == 1  # QUOTES_MAX_FOLLOWED=2
    assert "QUOTES_MAX_FOLLOWED" in next(q["error"] for q in quotes if "error" in q)
