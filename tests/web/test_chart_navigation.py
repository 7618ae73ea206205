"""Moving around the chart page: from an error to a chart, timeframe switches that keep the
user's place in a long history, and scrolling far back (real uvicorn, real Chromium)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from app.web.routes.chart import HELD_BARS, PAGE_BARS
from tests.web.conftest import BIG_SYMBOL, SMALL_SYMBOL
from tests.web.test_chart_page import (
    BAR_COUNT,
    EMA_POINTS,
    EMA_SHOWN,
    READY,
    candle_pixels,
    pick_timeframe,
)

pytestmark = pytest.mark.browser

VISIBLE_RANGE = "() => window.superChart.chart.timeScale().getVisibleRange()"
IDLE = (
    "(timeframe) => window.superChart.state.timeframe === timeframe && "
    "!window.superChart.status.loadingOlder && !window.superChart.status.loadingNewer"
)
DRAWN_WIDTH = "() => window.superChart.chart.timeScale().width()"


def seconds(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def show_logical(page, start: float, end: float) -> None:
    page.evaluate(
        "([from, to]) => window.superChart.chart.timeScale().setVisibleLogicalRange({from, to})",
        [start, end],
    )


def look_at_logical(page, start: float, end: float) -> None:
    """Show bars ``start..end`` and wait until the chart has applied it (on its next frame).

    A page of older bars still arriving shifts every bar's logical index (the view keeps its
    time): the range is then asked again, until it holds."""
    shown = (
        "([from, to]) => { const r = window.superChart.chart.timeScale().getVisibleLogicalRange();"
        " return r && Math.abs(r.from - from) < 1 && Math.abs(r.to - to) < 1; }"
    )
    for attempt in range(6):
        show_logical(page, start, end)
        try:
            page.wait_for_function(shown, arg=[start, end], timeout=5000)
            return
        except PlaywrightTimeoutError:
            if attempt == 5:
                raise


def look_at_times(page, start: int, end: int) -> None:
    """Show ``start..end`` (UNIX seconds) and wait until the chart has applied it.

    A range set before the chart's size or its bars have settled (a page of older bars still
    arriving, the first layout) may not hold: it is then asked again, until it does."""
    shown = (
        "(from) => { const r = window.superChart.chart.timeScale().getVisibleRange();"
        " return r && r.from === from; }"
    )
    for attempt in range(6):
        page.evaluate(
            "([from, to]) => window.superChart.chart.timeScale().setVisibleRange({from, to})",
            [start, end],
        )
        try:
            page.wait_for_function(shown, arg=start, timeout=5000)
            return
        except PlaywrightTimeoutError:
            if attempt == 5:
                raise


class HeldRequests:
    """A slow server, made deterministic: while ``holding``, each /api/ohlcv request is held
    until the test lets it go, so pages can be made to arrive in any order."""

    def __init__(self, page) -> None:
        self.page = page
        self.holding = False
        self.held: list = []
        page.route("**/api/ohlcv?*", self._on_route)

    def _on_route(self, route) -> None:
        if self.holding:
            self.held.append(route)
        else:
            route.continue_()

    def _find(self, part: str):
        return next((route for route in self.held if part in route.request.url), None)

    def wait_for(self, part: str) -> None:
        """Wait until a request whose URL holds ``part`` is held."""
        for _ in range(1000):
            if self._find(part):
                return
            self.page.wait_for_timeout(20)
        raise AssertionError(f"no request with {part!r} was made: {self.urls()}")

    def release(self, part: str) -> None:
        """Let the held request whose URL holds ``part`` go on to the server."""
        route = self._find(part)
        self.held.remove(route)
        route.continue_()

    def urls(self) -> list[str]:
        return [route.request.url for route in self.held]


def held_times(page) -> list[int]:
    return page.evaluate("() => window.superChart.candles.data().map((bar) => bar.time)")


def page_errors(page) -> list[str]:
    """Console errors other than the status of the page's own document."""
    return [e for e in page.watch.console_errors if "status of 4" not in e]


def test_error_page_then_a_valid_timeframe_draws_candles_and_emas(page, server):
    response = page.goto(f"{server}/chart?symbol={SMALL_SYMBOL}&timeframe=1m")
    assert response.status == 422
    page.wait_for_function(READY)
    assert "finer" in page.locator("#message").text_content()
    assert not page.locator("#chart").is_visible()
    # Only what the 1h data allows is on offer; the URL stays as the user typed it.
    offered = page.locator("#timeframes button").all_text_contents()
    assert offered == ["1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M"]
    assert "timeframe=1m" in page.url and "ema_" not in page.url
    # Ticking EMAs with nothing drawn is remembered, and is no error.
    page.locator("input[data-period='50']").uncheck()
    page.locator("input[data-period='50']").check()
    page.locator("input[data-period='21']").uncheck()

    pick_timeframe(page, "1h")
    page.wait_for_function(f"() => window.superChart.candles.data().length === {PAGE_BARS}")
    page.wait_for_function(f"{DRAWN_WIDTH} > 500")
    assert page.locator("#message").is_hidden()
    assert page.locator("#chart").bounding_box()["height"] > 300
    assert candle_pixels(page.locator("#chart").screenshot()) > (500, 500)
    for period in (10, 50, 150):
        assert page.evaluate(EMA_POINTS, period) == PAGE_BARS
    assert not page.evaluate(EMA_SHOWN, 21)
    assert "timeframe=1h" in page.url and "ema_21=false" in page.url
    assert page.locator("#legend").text_content().endswith("· 1h")
    assert page_errors(page) == []
    assert page.watch.external_requests == []


def test_switch_after_scrolling_back_keeps_the_time_in_view(page, server):
    page.goto(f"{server}/chart?symbol={BIG_SYMBOL}")
    page.wait_for_function(READY)
    for held in (2 * PAGE_BARS, 3 * PAGE_BARS, 4 * PAGE_BARS):  # scroll back three pages
        show_logical(page, 0, 120)
        page.wait_for_function(f"() => {BAR_COUNT}() >= {held}")
        page.wait_for_function(IDLE, arg="1m")
    look_at_logical(page, 1000, 2000)  # about 17 hours, 4 to 5 days before the newest bar
    looked_at = page.evaluate(VISIBLE_RANGE)
    middle = (looked_at["from"] + looked_at["to"]) // 2

    for timeframe in ("5m", "15m", "1h"):
        pick_timeframe(page, timeframe)
        page.wait_for_function(IDLE, arg=timeframe)
        visible = page.evaluate(VISIBLE_RANGE)
        assert visible["from"] <= middle <= visible["to"], timeframe
        assert abs(visible["from"] - looked_at["from"]) <= 3600, timeframe
    assert page_errors(page) == []


def test_switch_from_daily_to_minutes_far_back_opens_at_that_time(page, server):
    page.goto(f"{server}/chart?symbol={BIG_SYMBOL}&timeframe=1d")
    page.wait_for_function(READY)
    start = seconds("2024-07-08T00:00")  # 16 months before the newest bar
    look_at_times(page, start, start + 86400)

    pick_timeframe(page, "1m")
    page.wait_for_function(IDLE, arg="1m")
    visible = page.evaluate(VISIBLE_RANGE)
    assert visible["from"] <= start + 43200 <= visible["to"]
    assert page.evaluate(BAR_COUNT) <= HELD_BARS
    assert page.evaluate("() => window.superChart.status.requests") <= 4  # no paging back
    assert page_errors(page) == []


def test_scrolling_far_back_holds_a_bounded_window_and_comes_back(page, server):
    page.goto(f"{server}/chart?symbol={BIG_SYMBOL}")
    page.wait_for_function(READY)
    newest = page.evaluate("() => window.superChart.candles.data().at(-1).time")
    for _ in range(8):  # 18,000 bars back, more than the page holds
        first = page.evaluate("() => window.superChart.candles.data()[0].time")
        show_logical(page, 0, 150)
        page.wait_for_function(f"() => window.superChart.candles.data()[0].time < {first}")
        page.wait_for_function(IDLE, arg="1m")
        visible = page.evaluate(VISIBLE_RANGE)
        assert visible["from"] == first  # the bars scrolled to stay in view
    times = page.evaluate("() => window.superChart.candles.data().map((bar) => bar.time)")
    assert len(times) <= HELD_BARS
    assert times == list(range(times[0], times[-1] + 60, 60))  # one run of minutes, no holes
    assert times[-1] < newest  # the newest ones were let go

    # Scrolling forward to the end brings the newest bars back.
    last = times[-1]
    while last < newest:
        page.evaluate("() => window.superChart.chart.timeScale().scrollToPosition(0, false)")
        page.wait_for_function(f"() => window.superChart.candles.data().at(-1).time > {last}")
        page.wait_for_function(IDLE, arg="1m")
        last = page.evaluate("() => window.superChart.candles.data().at(-1).time")
    times = page.evaluate("() => window.superChart.candles.data().map((bar) => bar.time)")
    assert times[-1] == newest and len(times) <= HELD_BARS
    assert times == list(range(times[0], times[-1] + 60, 60))
    assert page_errors(page) == []


def test_a_page_asked_for_before_a_switch_is_not_added_to_the_new_timeframe(page, server):
    page.goto(f"{server}/chart?symbol={BIG_SYMBOL}")
    page.wait_for_function(READY)
    held = HeldRequests(page)
    held.holding = True
    pick_timeframe(page, "5m")
    held.wait_for("timeframe=5m")
    show_logical(page, 0, 120)  # the user scrolls back while the switch is on its way
    held.wait_for("timeframe=1m")  # an older page of minutes
    held.holding = False

    held.release("timeframe=5m")  # the switch arrives first, then the page of minutes
    page.wait_for_function("() => window.superChart.state.timeframe === '5m'")
    held.release("timeframe=1m")
    page.wait_for_function(IDLE, arg="5m")
    times = held_times(page)
    assert len(times) == PAGE_BARS
    assert times == list(range(times[0], times[-1] + 300, 300))  # only 5m bars, in order
    assert page.locator("#message").is_hidden()
    assert page_errors(page) == []


def test_older_and_newer_pages_in_flight_together_leave_no_hole(page, server):
    page.goto(f"{server}/chart?symbol={BIG_SYMBOL}&timeframe=1d")
    page.wait_for_function(READY)
    start = seconds("2024-07-08T00:00")
    look_at_times(page, start, start + 86400)
    pick_timeframe(page, "1m")  # a window of minutes with more on both sides
    page.wait_for_function(IDLE, arg="1m")
    while page.evaluate(BAR_COUNT) <= HELD_BARS - PAGE_BARS:  # one more page trims the far side
        first = held_times(page)[0]
        show_logical(page, 0, 150)
        page.wait_for_function(f"() => window.superChart.candles.data()[0].time < {first}")
        page.wait_for_function(IDLE, arg="1m")

    held = HeldRequests(page)
    held.holding = True
    show_logical(page, 0, 150)
    held.wait_for("end=")  # an older page
    count = page.evaluate(BAR_COUNT)
    look_at_logical(page, count - 150, count)
    held.wait_for("start=")  # and a newer one, both on their way
    held.holding = False

    newest = held_times(page)[-1]
    held.release("start=")  # the newer page arrives first and lets the oldest bars go
    page.wait_for_function(f"() => window.superChart.candles.data().at(-1).time > {newest}")
    held.release("end=")  # the older page was asked for before the bars it joined onto
    page.wait_for_function(IDLE, arg="1m")
    times = held_times(page)
    assert len(times) <= HELD_BARS
    assert times == list(range(times[0], times[-1] + 60, 60))  # one run of minutes, no hole
    # The page knows where its bars sit in the history, so it pages on from the right place.
    first_index = page.evaluate("() => window.superChart.data.meta.first_index")
    assert first_index == page.evaluate(
        "(end) => fetch(`/api/ohlcv?symbol=big_1m&timeframe=1m&emas=&format=columns&limit=1"
        "&end=${end}`).then((r) => r.json()).then((body) => body.first_index)",
        times[0],
    )
    assert page.locator("#message").is_hidden()
    assert page_errors(page) == []
