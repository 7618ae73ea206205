"""The workspace page (/workspace) in a real Chromium over a real uvicorn whose CSVs grow: a
4-chart layout from its address opens with its four symbols on one WebSocket (four
subscriptions), a duplicated chart copies its settings, layouts saved on the server open in a
new browser context, an exported layout imported elsewhere reproduces it, and the watchlist
follows a growing file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest

from tests.live.conftest import append, row, run_server, write_minutes

pytestmark = pytest.mark.browser

SYMBOLS = ("EURUSD", "GOOG", "AAPL", "BTCUSD")
BARS = 3000  # 1m bars: 50 hours, so 1h and 4h both have bars
READY = "() => window.superWorkspace && window.superWorkspace.ready"
LOADED = """(count) => {
  const views = window.superWorkspace.workspace.views;
  return views.length === count && views.every((view) => view.loads > 0 && view.columns);
}"""
SPECS = "() => window.superWorkspace.workspace.views.map((view) => view.settings())"
LAST_AAPL = "document.querySelector(\".ws-quotes tr[data-symbol='AAPL'] td.last\")"
FOUR = "EURUSD~1h,GOOG~4h~line~log~10,AAPL~15m~bars,BTCUSD~1h~area~percent~10.21"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("workspace")
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


def test_four_charts_from_the_address_share_one_websocket(page, base):
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    open_workspace(page, base, "grid=4&charts=" + FOUR, 4)
    specs = page.evaluate(SPECS)
    assert [spec["symbol"] for spec in specs] == list(SYMBOLS)
    assert [spec["timeframe"] for spec in specs] == ["1h", "4h", "15m", "1h"]
    assert specs[1]["type"] == "line" and specs[1]["scale"] == "log" and specs[1]["emas"] == [10]
    assert specs[3]["emas"] == [10, 21]
    heads = page.locator(".ws-cell .ws-symbol")
    assert [heads.nth(i).input_value() for i in range(4)] == list(SYMBOLS)
    page.wait_for_function("() => window.superWorkspace.socket.status.state === 'live'")
    page.wait_for_timeout(300)
    assert len(sockets) == 1
    stats = httpx.get(base + "/api/stats").json()
    assert stats["total_clients"] == 1
    assert sum(stats["symbol_subscribers"].get(symbol, 0) for symbol in SYMBOLS) == 4
    # Each chart drew its own bars: 4h has a quarter of 1h's bars.
    counts = page.evaluate(
        "() => window.superWorkspace.workspace.views.map((v) => v.columns.time.length)"
    )
    assert counts[0] == BARS // 60 and counts[1] == -(-BARS // 240) and counts[2] == BARS // 15
    assert page.watch.console_errors == []


def test_duplicate_copies_the_chart_and_the_address_follows(page, base):
    open_workspace(page, base, "grid=2h&charts=GOOG~4h~line~log~10.21~AAPL", 1)
    page.locator(".ws-cell .ws-duplicate").first.click()
    page.wait_for_function(LOADED, arg=2)
    first, second = page.evaluate(SPECS)
    assert first == second and second["compare"] == ["AAPL"]
    url = unquote(page.url)
    assert "GOOG~4h~line~log~10.21~AAPL,GOOG~4h~line~log~10.21~AAPL" in url
    assert page.evaluate("() => window.superWorkspace.workspace.gridName") == "2h"


def test_saved_layout_opens_in_a_new_context_and_export_imports(browser, page, base, tmp_path):
    open_workspace(page, base, "grid=2v&charts=AAPL~1h,EURUSD~4h~bars&sync=crosshair.range", 2)
    page.fill("#layout-name", "desk-one")
    page.click("#layout-save")
    page.wait_for_selector(".toast:has-text('saved')")
    client_id = page.evaluate("() => localStorage.getItem('superchart.clientId')")
    with page.expect_download() as download_info:
        page.click("#layout-export")
    exported = tmp_path / "layout.json"
    download_info.value.save_as(exported)
    assert json.loads(exported.read_text())["charts"][1]["type"] == "bars"

    # A new browser context with the same client id: the layout comes from the server.
    other = browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        keep_id = f"localStorage.setItem('superchart.clientId', {json.dumps(client_id)})"
        other.add_init_script(keep_id)
        fresh = other.new_page()
        open_workspace(fresh, base, "layout=desk-one", 2)
        assert fresh.evaluate(SPECS) == page.evaluate(SPECS)
        assert fresh.evaluate("() => window.superWorkspace.workspace.gridName") == "2v"
        synced = fresh.evaluate("() => [...window.superWorkspace.sync.on]")
        assert sorted(synced) == ["crosshair", "range"]
        # Elsewhere (a third context, its own client id): the exported file reproduces it.
        third = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()
        open_workspace(third, base, "", 1)
        third.set_input_files("#layout-import", str(exported))
        third.wait_for_function(LOADED, arg=2)
        assert third.evaluate(SPECS) == page.evaluate(SPECS)
        third.context.close()
    finally:
        other.close()


def test_watchlist_updates_when_a_watched_file_grows(page, base, data_dir):
    open_workspace(page, base, "charts=GOOG~1h", 1)
    page.wait_for_selector(".ws-quotes tr[data-symbol='GOOG'] td.last:not(:text('…'))")
    page.fill("#watchlist-add input", "AAPL")
    page.press("#watchlist-add input", "Enter")
    cell = page.locator(".ws-quotes tr[data-symbol='AAPL'] td.last")
    page.wait_for_function(f"() => ({LAST_AAPL}) && ({LAST_AAPL}).textContent !== '…'")
    append(data_dir / "AAPL.csv", row(BARS, 4321.5))
    page.wait_for_function(f"() => ({LAST_AAPL}).textContent === '4321.5'")
    assert cell.text_content() == "4321.5"
    # A click loads the symbol into the active chart.
    page.click(".ws-quotes tr[data-symbol='AAPL'] td:first-child")
    page.wait_for_function("() => window.superWorkspace.workspace.active.spec.symbol === 'AAPL'")
