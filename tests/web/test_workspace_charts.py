"""The workspace's chart component in a real Chromium over a real uvicorn whose CSVs grow: each
chart's own live dot follows its own feed's `status` frames (stale for an old file, an error with
the reader's words for a broken last row, the other charts untouched)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live.conftest import BARS, append, row, run_server, write_minutes

pytestmark = pytest.mark.browser

SYMBOLS = ("EURUSD", "GOOG", "AAPL", "BTCUSD")
READY = "() => window.superWorkspace && window.superWorkspace.ready"
LOADED = """(count) => {
  const views = window.superWorkspace.workspace.views;
  return views.length === count && views.every((view) => view.loads > 0 && view.columns);
}"""
DOT_STATES = "() => [...document.querySelectorAll('.ws-cell .ws-dot')].map((d) => d.dataset.state)"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("workspace_charts")
    for seed, symbol in enumerate(SYMBOLS, start=1):
        write_minutes(folder / f"{symbol}.csv", bars=BARS, seed=seed)
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
