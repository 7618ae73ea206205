"""The chart page live (WS /ws) in a real Chromium over a real uvicorn whose CSV grows: a bar
appended after the page opened is drawn (as Heikin Ashi candles too), a dropped connection comes
back and resumes from the newest bar held with no gap and no duplicate, and Bar Replay plays,
pauses and steps."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest

from tests.live.conftest import BARS, START, SYMBOL, append, row, run_server, write_minutes
from tests.web.test_chart_page import READY, assert_clean

pytestmark = pytest.mark.browser

LIVE = "() => window.superChart.live.status.state === 'live'"
TIMES = "() => window.superChart.candles.data().map((bar) => bar.time)"
MINUTE = 60
LAST_BAR = """() => {
  const bar = window.superChart.candles.data().at(-1);
  const columns = window.superChart.data.columns;
  return { time: bar.time, open: bar.open, high: bar.high, low: bar.low, close: bar.close,
           ema_10: columns.ema_10.at(-1), rsi_14: columns.rsi_14.at(-1) };
}"""


def minute(n: int) -> int:
    return int((START + pd.Timedelta(minutes=n)).timestamp())


@pytest.fixture(scope="module")
def live_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("chart_live")
    write_minutes(folder / f"{SYMBOL}.csv")  # the server's default symbol
    return folder


@pytest.fixture(scope="module")
def live_page_server(live_dir: Path) -> Iterator[str]:
    """One server for the module (a start costs seconds on a loaded machine); each test has a
    file of its own in its folder (``symbol``)."""
    with run_server(live_dir) as base:
        yield base


NAMES = itertools.count(1)


@pytest.fixture
def symbol(live_dir: Path) -> str:
    """A symbol of the test's own: BARS 1m bars from START, appended to by this test only."""
    name = f"LIVE{next(NAMES)}"
    write_minutes(live_dir / f"{name}.csv")
    return name


def settled_times(page, quiet_ms: int = 400) -> list[int]:
    """The bars' times once no bar has come for ``quiet_ms`` (a playing replay brings 25 a
    second, so this times out if the pause never takes effect)."""
    page.wait_for_function(
        """(quiet) => new Promise((resolve) => {
          const last = () => window.superChart.candles.data().at(-1).time;
          let seen = last(), since = performance.now();
          const look = () => {
            if (last() !== seen) { seen = last(); since = performance.now(); }
            if (performance.now() - since >= quiet) resolve(true);
            else setTimeout(look, 20);
          };
          look();
        })""",
        arg=quiet_ms,
    )
    return page.evaluate(TIMES)


def open_live(page, base: str, symbol: str, **query: str) -> None:
    query = {"symbol": symbol, "timeframe": "1m", **query}
    page.goto(base + "/chart?" + "&".join(f"{k}={v}" for k, v in query.items()))
    page.wait_for_function(READY)
    page.wait_for_function(LIVE)


def test_a_bar_appended_after_the_page_opened_is_drawn(page, symbol, live_page_server, live_dir):
    open_live(page, live_page_server, symbol, indicators="rsi")
    assert page.evaluate(TIMES)[-1] == minute(BARS - 1)
    append(live_dir / f"{symbol}.csv", row(BARS, 123.25))
    page.wait_for_function(f"() => window.superChart.candles.data().at(-1).time === {minute(BARS)}")
    last = page.evaluate("() => window.superChart.candles.data().at(-1)")
    assert last["close"] == 123.25
    rsi = page.evaluate("() => window.superChart.data.columns.rsi_14.at(-1)")
    assert rsi is not None and 0 <= rsi <= 100  # the indicator came with the bar
    times = page.evaluate(TIMES)
    assert times == list(range(times[0], minute(BARS) + MINUTE, MINUTE))
    assert_clean(page)


def test_the_dot_says_historical_then_error_with_the_servers_message(
    page, symbol, live_page_server, live_dir
):
    """The file's bars are from 2024-01-01: the dot is not green "connected" but says so; an
    old-dated bar appended makes it live with "historical data: bars arriving" beside it; a
    broken last row turns it to an error with the reader's words, the bars kept."""
    open_live(page, live_page_server, symbol)
    page.wait_for_function("() => document.querySelector('#live-dot').dataset.state === 'stale'")
    label = page.locator(".live-label")
    assert label.inner_text() == "historical file: last bar 2024-01-01 06:39 UTC"
    assert label.is_visible()
    append(live_dir / f"{symbol}.csv", row(BARS, 100.5))
    page.wait_for_function("() => document.querySelector('#live-dot').dataset.state === 'live'")
    assert label.inner_text() == "historical data: bars arriving"
    assert label.is_visible()
    drawn = page.evaluate(TIMES)
    assert drawn[-1] == minute(BARS)
    append(live_dir / f"{symbol}.csv", row(BARS + 1, 100.0).replace(",100.0,", ",abc,"))
    page.wait_for_function("() => document.querySelector('#live-dot').dataset.state === 'error'")
    text = label.inner_text()
    assert text.startswith("Feed error: ") and "abc" in text, text
    assert "abc" in page.locator("#live-dot").get_attribute("title")
    assert page.evaluate(TIMES) == drawn  # the last good bars stay drawn


def test_heikin_ashi_is_live_and_switching_back_follows(page, symbol, live_page_server, live_dir):
    open_live(page, live_page_server, symbol, chart="heikin_ashi", indicators="rsi")
    append(live_dir / f"{symbol}.csv", row(BARS, 123.25))
    page.wait_for_function(f"() => window.superChart.candles.data().at(-1).time === {minute(BARS)}")
    drawn = page.evaluate(LAST_BAR)
    params = {"symbol": symbol, "timeframe": "1m", "chart": "heikin_ashi", "emas": "10,21",
              "indicators": "rsi", "limit": 1}  # fmt: skip
    (want,) = httpx.get(live_page_server + "/api/ohlcv", params=params).json()
    assert drawn == {name: want[name] for name in drawn}  # the HA candle, its EMA and RSI
    assert drawn["close"] != 123.25 and drawn["rsi_14"] is not None
    # Back to candles: the subscription follows the chart type.
    page.locator("#chart-type").select_option("candles")
    page.wait_for_function("() => window.superChart.candles.data().at(-1).close === 123.25")
    append(live_dir / f"{symbol}.csv", row(BARS + 1, 124.5))
    page.wait_for_function(
        f"() => window.superChart.candles.data().at(-1).time === {minute(BARS + 1)}"
    )
    assert page.evaluate(LAST_BAR)["close"] == 124.5
    assert_clean(page)


def test_reconnect_resumes_from_the_newest_bar_without_gap_or_duplicate(
    page, symbol, live_page_server, live_dir
):
    routes: list = []

    def on_socket(ws) -> None:
        routes.append(ws)
        if len(routes) == 2:  # the first retry is refused: the page backs off and tries again
            ws.close()
        else:
            ws.connect_to_server()

    page.route_web_socket("**/ws", on_socket)
    open_live(page, live_page_server, symbol)
    routes[0].close()  # the connection drops
    # The dot says so while the page is offline (read in the same moment: a retry is due ~0.5 s
    # later, and a separate read after a slow wait could see it connecting again).
    page.wait_for_function(
        "() => window.superChart.live.status.state === 'offline' && "
        "document.querySelector('#live-dot').dataset.state === 'offline'"
    )
    append(live_dir / f"{symbol}.csv", row(BARS, 101.0) + row(BARS + 1, 102.0))
    page.wait_for_function(
        f"() => window.superChart.candles.data().at(-1).time === {minute(BARS + 1)}", timeout=20_000
    )
    assert len(routes) >= 3
    times = page.evaluate(TIMES)
    assert times == list(range(times[0], minute(BARS + 1) + MINUTE, MINUTE))  # no gap, no twice
    assert page.evaluate("() => window.superChart.candles.data().at(-1).close") == 102.0
    page.wait_for_function(LIVE)


def test_replay_plays_pauses_and_steps(page, symbol, live_page_server):
    open_live(page, live_page_server, symbol)
    page.get_by_role("button", name="Replay").click()
    # From 01:00 at 25 bars a second: 340 bars, ~14 s of play before the file's end (from
    # 05:00 at 50 a second it was 2 s: on a loaded machine the pause could come after the
    # last bar, and Step then had nothing left to bring).
    page.locator("#replay-start").fill("2024-01-01T01:00")
    page.locator("#replay-speed").select_option("25")
    page.locator("#replay-play").click()
    start = minute(60)
    page.wait_for_function(
        f"() => window.superChart.candles.data().at(-1).time >= {start + 5 * MINUTE}"
    )
    assert page.locator("#live-dot").get_attribute("data-state") == "paused"
    page.locator("#replay-play").click()  # pause
    held = settled_times(page)  # bars already on their way when the pause was sent come in
    page.wait_for_timeout(600)
    assert page.evaluate(TIMES) == held  # paused: nothing more
    assert held[0] < start <= held[-1] and held == list(range(held[0], held[-1] + MINUTE, MINUTE))
    assert held[-1] < minute(BARS - 1), "the replay played to the file's end before the pause"
    page.locator("#replay-step").click()
    page.wait_for_function(
        f"() => window.superChart.candles.data().at(-1).time === {held[-1] + MINUTE}"
    )
    page.locator("#replay-exit").click()
    page.wait_for_function(
        f"() => window.superChart.candles.data().at(-1).time === {minute(BARS - 1)}"
    )
    page.wait_for_function(LIVE)
    assert_clean(page)


def test_live_bars_keep_what_is_held_bounded(page, symbol, live_page_server, live_dir):
    open_live(page, live_page_server, symbol)
    first_index = page.evaluate("() => window.superChart.data.meta.first_index")
    # A small page (300 held + 50 a page) so that one more bar goes over the bound.
    page.evaluate(
        "() => { window.superChart.state.heldBars = 300; window.superChart.state.pageBars = 50; }"
    )
    append(live_dir / f"{symbol}.csv", row(BARS, 99.5))
    page.wait_for_function(f"() => window.superChart.candles.data().at(-1).time === {minute(BARS)}")
    times = page.evaluate(TIMES)
    assert len(times) == BARS + 1 - 50  # the oldest 50 let go
    assert times == list(range(times[0], minute(BARS) + MINUTE, MINUTE))
    assert page.evaluate("() => window.superChart.data.meta.first_index") == first_index + 50
    assert_clean(page)
