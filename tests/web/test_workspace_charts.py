"""The workspace's chart component in a real Chromium over a real uvicorn whose CSVs grow: each
chart's own live dot follows its own feed's `status` frames (stale for an old file, an error with
the reader's words for a broken last row, the other charts untouched); indicators and EMAs added
to one chart stay on that chart, are live, and come back from the saved layout; scrolling left
pages older bars in."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.live.conftest import BARS, append, row, run_server, write_minutes

pytestmark = pytest.mark.browser

SYMBOLS = ("EURUSD", "GOOG", "AAPL", "BTCUSD")
READY = "() => window.superWorkspace && window.superWorkspace.ready"
LOADED = """(count) => {
  const views = window.superWorkspace.workspace.views;
  return views.length === count && views.every((view) => view.loads > 0 && view.columns);
}"""
DEEP_BARS = 14_000  # more than a workspace chart opens with (10,000)
DOT_STATES = "() => [...document.querySelectorAll('.ws-cell .ws-dot')].map((d) => d.dataset.state)"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("workspace_charts")
    for seed, symbol in enumerate(SYMBOLS, start=1):
        write_minutes(folder / f"{symbol}.csv", bars=BARS, seed=seed)
    write_minutes(folder / "DEEP.csv", bars=DEEP_BARS, seed=9)
    return folder


@pytest.fixture(scope="module")
def base(data_dir: Path) -> Iterator[str]:
    with run_server(data_dir) as url:
        yield url


def open_workspace(page, base: str, query: str, charts: int) -> None:
    page.goto(base + "/workspace?" + query)
    page.wait_for_function(READY)
    page.wait_for_function(LOADED, arg=charts)


def test_each_chart_dot_follows_its_own_feed(page, base, data_dir):
    """The files end on 2024-01-01: every dot says historical, not green "connected"; a broken
    last row in GOOG's file turns GOOG's dot (only) to an error with the server's message."""
    open_workspace(page, base, "grid=2h&charts=EURUSD~1m,GOOG~1m", 2)
    page.wait_for_function(f"() => ({DOT_STATES})().join() === 'stale,stale'")
    labels = page.locator(".ws-cell .live-label")
    assert labels.nth(0).inner_text() == labels.nth(1).inner_text()
    assert labels.nth(1).inner_text().startswith("historical file: last bar 2024-01-0")
    assert labels.nth(1).is_visible()
    append(data_dir / "GOOG.csv", row(BARS, 100.0).replace(",100.0,", ",abc,"))
    page.wait_for_function(f"() => ({DOT_STATES})()[1] === 'error'")
    text = labels.nth(1).inner_text()
    assert text.startswith("Feed error: ") and "abc" in text, text
    assert "abc" in page.locator(".ws-cell .ws-dot").nth(1).get_attribute("title")
    assert page.evaluate(DOT_STATES)[0] == "stale"  # EURUSD's feed is fine, only old
    assert page.watch.console_errors == []


PANES = "() => window.superWorkspace.workspace.views.map((view) => view.chart.panes().length)"
EMA_LINES = (
    "() => window.superWorkspace.workspace.views.map((v) => Object.keys(v.component.emas.lines))"
)


def test_rsi_added_to_one_chart_of_four_stays_there_and_survives_a_reload(page, base, data_dir):
    """RSI added from chart 2's ƒx button is drawn in a pane of its own on chart 2 only, is live
    (an appended bar brings its RSI), is in the address and comes back from the saved layout;
    an EMA ticked on chart 1 is drawn there only."""
    charts = "EURUSD~1h,AAPL~1m,BTCUSD~1h,EURUSD~4h"
    open_workspace(page, base, "grid=4&charts=" + charts, 4)
    assert page.evaluate(PANES) == [1, 1, 1, 1]
    page.locator(".ws-cell .ws-indicators").nth(1).click()
    page.locator("#indicators-dialog .catalog-item[data-name='rsi']").click()
    page.wait_for_function(f"() => ({PANES})().join() === '1,2,1,1'")
    page.locator("#indicators-dialog .close").click()
    legend = page.locator(".ws-cell").nth(1).locator(".pane-legend[data-pane='1']")
    assert legend.inner_text().startswith("RSI 14")
    assert page.locator(".ws-cell").nth(0).locator(".pane-legend[data-pane='1']").count() == 0
    specs = page.evaluate("() => window.superWorkspace.workspace.views.map((v) => v.settings())")
    assert [spec["indicators"] for spec in specs] == [[], ["rsi:14"], [], []]
    assert "AAPL~1m~candles~normal~~~rsi:14," in unquote(page.url)
    # Live: the new subscription asks for RSI, so an appended bar brings its value.
    append(data_dir / "AAPL.csv", row(BARS, 150.0))
    page.wait_for_function(
        """() => { const c = window.superWorkspace.workspace.views[1].columns;
                   return c.close.at(-1) === 150 && c.rsi_14.at(-1) !== null; }"""
    )
    # An EMA ticked on chart 1 only.
    page.locator(".ws-cell").nth(0).locator(".ws-emas summary").click()
    page.locator(".ws-cell").nth(0).locator(".ws-emas input[data-period='10']").check()
    page.wait_for_function(f"() => ({EMA_LINES})()[0].join() === '10'")
    assert page.evaluate(EMA_LINES)[1:] == [[], [], []]

    page.fill("#layout-name", "rsi-desk")
    page.click("#layout-save")
    page.wait_for_selector(".toast:has-text('saved')")
    page.goto(base + "/workspace?layout=rsi-desk")
    page.wait_for_function(READY)
    page.wait_for_function(LOADED, arg=4)
    page.wait_for_function(f"() => ({PANES})().join() === '1,2,1,1'")
    legend = page.locator(".ws-cell").nth(1).locator(".pane-legend[data-pane='1']")
    assert legend.inner_text().startswith("RSI 14")
    assert page.evaluate(EMA_LINES) == [["10"], [], [], []]
    assert page.watch.console_errors == []


HELD = """() => { const view = window.superWorkspace.workspace.views[0];
  const held = view.component.held.data;
  return [held.columns.time.length, held.columns.time[0], held.meta.first_index]; }"""


def test_scrolling_left_pages_older_bars_in(page, base):
    """A chart opens with the newest 10,000 of 14,000 bars; dragging the chart to the left edge
    brings the 2,000 before them (one page), joined on in order, the view kept on its bars."""
    open_workspace(page, base, "charts=DEEP~1m~~~~~rsi:14", 1)
    count, first, first_index = page.evaluate(HELD)
    assert (count, first_index) == (10_000, DEEP_BARS - 10_000)
    page.evaluate(
        "() => window.superWorkspace.workspace.views[0].chart.timeScale()"
        ".setVisibleLogicalRange({ from: 60, to: 160 })"
    )
    box = page.locator(".ws-canvas").first.bounding_box()
    y = box["y"] + box["height"] * 0.4
    page.mouse.move(box["x"] + 200, y)
    page.mouse.down()
    page.mouse.move(box["x"] + 700, y, steps=10)  # dragging right scrolls to older bars
    page.mouse.up()
    page.wait_for_function(f"() => ({HELD})()[0] > 10000")
    count, older_first, first_index = page.evaluate(HELD)
    assert (count, first_index) == (12_000, DEEP_BARS - 12_000)
    assert older_first == first - 2_000 * 60
    times = page.evaluate("() => window.superWorkspace.workspace.views[0].columns.time")
    assert all(b - a == 60 for a, b in itertools.pairwise(times))
    rsi = page.evaluate(
        "() => window.superWorkspace.workspace.views[0].columns.rsi_14.slice(20, 2000)"
    )
    assert all(value is not None for value in rsi)  # the page brought the indicator too
    visible = page.evaluate(
        "() => window.superWorkspace.workspace.views[0].chart.timeScale().getVisibleLogicalRange()"
    )
    assert visible["from"] > 1_900  # the view stayed on the bars it showed
    assert page.watch.console_errors == []
