"""The chart page over files of its own: symbols named outside ASCII (download names), a file
whose rows are out of order (the notice) and one that breaks while the page is open."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import pandas as pd
import pytest

from app.core.synthetic import synthetic_ohlcv
from tests.live_server import free_port, live_server
from tests.web.test_chart_navigation import IDLE, held_times, look_at_times, page_errors, seconds
from tests.web.test_chart_page import BAR_COUNT, READY, candle_pixels, pick_timeframe

pytestmark = pytest.mark.browser

BARS = 300
UNSORTED = "unsorted"
CHANGING = "changing"
DEAR = "dear"  # prices over 10,000 with two decimals
GAPPY = "gappy"  # 1m bars, two years without any, then 1m bars again
BEFORE_GAP = "2021-01-04"
AFTER_GAP = "2023-01-02"


@pytest.fixture(scope="module")
def files_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("chart_files")
    frame = synthetic_ohlcv(BARS, "1h")
    for name in ("café", "株", CHANGING):
        frame.to_csv(folder / f"{name}.csv", index=False)
    shuffled = frame.iloc[[*range(10), 11, 10, *range(12, BARS)]]  # rows 10 and 11 swapped
    shuffled.to_csv(folder / f"{UNSORTED}.csv", index=False)
    dear = frame.copy()  # quoted like BTC: 64,123.57
    for column in ("open", "high", "low", "close"):
        dear[column] = (dear[column] * 640 + 0.07).round(2)
    dear.to_csv(folder / f"{DEAR}.csv", index=False)
    halves = [synthetic_ohlcv(3_000, "1m", start=day) for day in (BEFORE_GAP, AFTER_GAP)]
    pd.concat(halves).to_csv(folder / f"{GAPPY}.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def files_server(files_dir: Path) -> Iterator[str]:
    port = free_port()
    env = {"DATA_SOURCE": "csv", "DATA_DIR": str(files_dir), "DEFAULT_SYMBOL": "café"}
    args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1", "--port", str(port)]
    with live_server(args, port=port, health_path="/health", env=env) as base:
        yield base


def open_chart(page, server: str, **query: str):
    response = page.goto(f"{server}/chart?{urlencode(query)}")
    page.wait_for_function(READY)
    return response


@pytest.mark.parametrize("symbol", ["café", "株"])
def test_download_keeps_a_non_ascii_symbol_in_the_file_name(page, files_server, symbol, tmp_path):
    open_chart(page, files_server, symbol=symbol)
    with page.expect_download() as info:
        page.locator("#download").click()
    assert info.value.suggested_filename == f"{symbol}.html"
    saved = tmp_path / "saved.html"
    info.value.save_as(saved)
    page.goto(saved.as_uri())
    page.wait_for_function(READY)
    assert page.evaluate(BAR_COUNT) == BARS

    response = httpx.get(f"{files_server}/chart.html", params={"symbol": symbol, "download": 1})
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="')
    assert disposition.isascii()
    assert f"filename*=UTF-8''{quote(symbol)}.html" in disposition


@pytest.mark.parametrize("symbol", ["株式", "no_such"])
def test_download_of_an_error_is_a_page_not_an_attachment(files_server, symbol):
    response = httpx.get(f"{files_server}/chart.html", params={"symbol": symbol, "download": 1})
    assert response.status_code == 404
    assert "content-disposition" not in response.headers
    assert "Unknown symbol" in response.text


def test_rows_out_of_order_are_named_in_a_dismissable_notice(page, files_server):
    open_chart(page, files_server, symbol=UNSORTED)
    notice = page.locator("#notices")
    assert notice.is_visible()
    text = notice.locator("li").text_content()
    assert f"{UNSORTED}.csv" in text and "not in time order" in text and "sorted" in text
    assert page.evaluate(BAR_COUNT) == BARS
    times = page.evaluate("() => window.superChart.candles.data().map((bar) => bar.time)")
    assert times == sorted(times)
    notice.get_by_role("button", name="Dismiss").click()
    assert notice.is_hidden()
    assert page.watch.console_errors == []
    # A file in order has no notice.
    open_chart(page, files_server, symbol="café")
    assert page.locator("#notices").is_hidden()


def test_notice_is_text_not_html(page, files_server, files_dir):
    name = "<b>x<img src=y onerror=window.hacked=1>"
    path = files_dir / f"{name}.csv"
    synthetic_ohlcv(50, "1h").iloc[[1, 0, *range(2, 50)]].to_csv(path, index=False)
    try:
        open_chart(page, files_server, symbol=name)
        assert name in page.locator("#notices li").text_content()
        assert page.locator("#notices img").count() == 0
        assert page.evaluate("() => window.hacked") is None
        assert page.watch.console_errors == []
    finally:
        path.unlink()


def test_a_failed_switch_keeps_the_timeframe_drawn(page, files_server, files_dir):
    open_chart(page, files_server, symbol=CHANGING, timeframe="1h")
    assert page.evaluate(BAR_COUNT) == BARS
    # The file goes away (a broken rewrite is no longer enough: the last good read is served).
    (files_dir / f"{CHANGING}.csv").unlink()

    pick_timeframe(page, "4h")
    page.wait_for_function("() => !document.getElementById('message').hidden")
    assert CHANGING in page.locator("#message").text_content()
    assert page.evaluate("() => window.superChart.state.timeframe") == "1h"
    assert page.locator("#timeframes button[aria-pressed='true']").text_content() == "1h"
    assert page.locator("#legend").text_content().endswith("· 1h")
    assert page.evaluate(BAR_COUNT) == BARS  # the 1h bars, still labelled 1h
    assert candle_pixels(page.locator("#chart").screenshot()) > (200, 200)
    assert "timeframe=1h" in page.url


def test_scrolling_forward_across_a_long_gap_brings_the_bars_after_it(page, files_server):
    open_chart(page, files_server, symbol=GAPPY, timeframe="1h")
    start = seconds(f"{BEFORE_GAP}T00:00")
    look_at_times(page, start, start + 6 * 3600)
    pick_timeframe(page, "1m")  # minutes of the first day, more after them
    page.wait_for_function(IDLE, arg="1m")
    after_gap = seconds(f"{AFTER_GAP}T00:00")
    for _ in range(4):  # scroll forward until the bars after the gap are held
        last = held_times(page)[-1]
        if last >= after_gap:
            break
        page.evaluate("() => window.superChart.chart.timeScale().scrollToPosition(0, false)")
        page.wait_for_function(
            f"() => window.superChart.candles.data().at(-1).time > {last} || "
            "!document.getElementById('message').hidden"
        )
        page.wait_for_function(IDLE, arg="1m")
        assert page.locator("#message").is_hidden()
    times = held_times(page)
    before = [t for t in times if t < after_gap]
    assert before == list(range(start, start + 3_000 * 60, 60))  # every bar before the gap
    assert times[len(before)] == after_gap  # and the first one after it, right behind
    assert times == sorted(set(times))
    assert page_errors(page) == []


def test_prices_over_a_thousand_keep_their_decimals(page, files_server):
    open_chart(page, files_server, symbol=DEAR)
    last = page.evaluate("() => window.superChart.candles.data().at(-1)")
    assert last["close"] > 10_000
    legend = page.locator(".pane-legend[data-pane='0'] .legend-item .legend-value")
    assert legend.nth(3).text_content() == f"{last['close']:.2f}"  # not 64124, not 64123.570
    assert page.evaluate("() => window.superChart.candles.options().priceFormat.precision") == 2
