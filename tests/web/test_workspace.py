"""The workspace page (/workspace) in a real Chromium over a real uvicorn whose CSVs grow: a
4-chart layout from its address opens with its four symbols on one WebSocket (four
subscriptions), a duplicated chart copies its settings, layouts saved on the server open in a
new browser context, an exported layout imported elsewhere reproduces it, and the watchlist
follows a growing file."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import httpx
import pandas as pd
import pytest

from tests.live.conftest import START, append, row, run_server, write_minutes

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


def subscribers(stats: dict) -> int:
    return sum(stats["symbol_subscribers"].get(symbol, 0) for symbol in SYMBOLS)


def server_stats_when(base: str, check, timeout_s: float = 30.0) -> dict:
    """GET /api/stats once ``check(stats)`` holds (the last answer when it never does)."""
    deadline = time.monotonic() + timeout_s
    while True:
        stats = httpx.get(base + "/api/stats").json()
        if check(stats) or time.monotonic() > deadline:
            return stats
        time.sleep(0.1)


def saved_drawings(base: str, client_id: str, symbol: str, check, timeout_s: float = 30.0):
    """The server's drawings of ``symbol`` once ``check(drawings)`` holds (the last answer when
    it never does): the page removes a drawing from its own list first, then tells the server."""
    deadline = time.monotonic() + timeout_s
    while True:
        rows = httpx.get(
            base + f"/api/drawings?symbol={symbol}", headers={"X-Client-Id": client_id}
        ).json()
        if check(rows) or time.monotonic() > deadline:
            return rows
        time.sleep(0.1)


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
    # The four subscriptions reach the server a moment after the socket opens: ask until the
    # server holds them (read once, the count could still be short on a loaded machine).
    stats = server_stats_when(base, lambda stats: subscribers(stats) >= 4)
    assert len(sockets) == 1
    assert stats["total_clients"] == 1
    assert subscribers(stats) == 4
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


GEOMETRY = """() => {
  const view = window.superWorkspace.workspace.active;
  const geo = view.drawings.primitive.geometry[0];
  if (!geo) return null;
  return { pts: geo.pts, times: geo.pts.map((p) => view.xToTime(p.x)),
           prices: geo.pts.map((p) => view.series().coordinateToPrice(p.y)) };
}"""
BLUE_AT = """([x, y]) => {
  // The pane's own canvases, as the user sees them: is the drawing's blue around (x, y)?
  const root = window.superWorkspace.workspace.active.canvasElement;
  const origin = root.getBoundingClientRect();
  for (const canvas of root.querySelectorAll('canvas')) {
    const box = canvas.getBoundingClientRect();
    const ratio = canvas.width / box.width;
    const cx = Math.round((origin.left + x - box.left) * ratio);
    const cy = Math.round((origin.top + y - box.top) * ratio);
    if (cx < 2 || cy < 2 || cx > canvas.width - 3 || cy > canvas.height - 3) continue;
    const pixels = canvas.getContext('2d').getImageData(cx - 2, cy - 2, 5, 5).data;
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
      if (r < 90 && g > 70 && g < 130 && b > 200) return true;
    }
  }
  return false;
}"""


def canvas_point(page, x: float, y: float) -> tuple[float, float]:
    box = page.locator(".ws-cell[data-active='true'] .ws-canvas").bounding_box()
    return box["x"] + x, box["y"] + y


def assert_line_drawn_at(page, times, prices, tolerance_s):
    page.wait_for_function(f"() => ({GEOMETRY})() !== null")
    geo = page.evaluate(GEOMETRY)
    for drawn, wanted in zip(geo["times"], times, strict=True):
        assert abs(drawn - wanted) <= tolerance_s
    for drawn, wanted in zip(geo["prices"], prices, strict=True):
        assert abs(drawn - wanted) <= abs(wanted) * 0.002
    a, b = geo["pts"]
    middle = [(a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2]
    assert page.evaluate(BLUE_AT, middle), "the trend line is not on the canvas"


def test_trend_line_on_1h_shows_on_4h_and_survives_a_reload(page, base):
    open_workspace(page, base, "charts=GOOG~1h", 1)
    ends = page.evaluate("""() => {
      const view = window.superWorkspace.workspace.active;
      const t = view.columns.time, c = view.columns.close;
      return [[view.timeToX(t[12]), view.series().priceToCoordinate(c[12])],
              [view.timeToX(t[36]), view.series().priceToCoordinate(c[36])]];
    }""")
    page.click("[data-tool='trend_line']")
    for x, y in ends:
        page.mouse.click(*canvas_point(page, x, y))
    page.wait_for_function("() => window.superWorkspace.drawings.store.of('GOOG').length === 1")
    client_id = page.evaluate("() => localStorage.getItem('superchart.clientId')")
    saved = httpx.get(base + "/api/drawings?symbol=GOOG", headers={"X-Client-Id": client_id}).json()
    assert len(saved) == 1 and saved[0]["type"] == "trend_line"
    times = [point["time"] for point in saved[0]["points"]]
    prices = [point["price"] for point in saved[0]["points"]]
    assert_line_drawn_at(page, times, prices, tolerance_s=300)
    # Undo removes it (on the server too), redo brings it back (saved again under a new id).
    page.keyboard.press("Control+z")
    page.wait_for_function("() => window.superWorkspace.drawings.store.of('GOOG').length === 0")
    # The page drops the drawing from its list, then sends the DELETE: ask until it is done.
    assert saved_drawings(base, client_id, "GOOG", lambda rows: rows == []) == []
    page.keyboard.press("Control+y")
    page.wait_for_function("() => window.superWorkspace.drawings.store.of('GOOG').length === 1")
    again = saved_drawings(base, client_id, "GOOG", lambda rows: len(rows) == 1)
    assert len(again) == 1
    assert [point["time"] for point in again[0]["points"]] == times

    page.select_option(".ws-cell[data-active='true'] .ws-timeframe", "4h")
    page.wait_for_function(
        "() => window.superWorkspace.workspace.active.columns.time[1] - "
        "window.superWorkspace.workspace.active.columns.time[0] === 14400"
    )
    assert_line_drawn_at(page, times, prices, tolerance_s=600)
    page.reload()
    page.wait_for_function(READY)
    page.wait_for_function(LOADED, arg=1)
    assert page.evaluate(SPECS)[0]["timeframe"] == "4h"
    assert_line_drawn_at(page, times, prices, tolerance_s=600)


def test_alert_on_a_horizontal_line_fires_once(page, base, data_dir):
    open_workspace(page, base, "charts=BTCUSD~1m", 1)
    last, y = page.evaluate("""() => {
      const view = window.superWorkspace.workspace.active;
      const close = view.columns.close.at(-1);
      return [close, view.series().priceToCoordinate(close + 1)];
    }""")
    page.keyboard.press("Alt+h")
    page.mouse.click(*canvas_point(page, 200, y))
    page.wait_for_function("() => window.superWorkspace.drawings.store.of('BTCUSD').length === 1")
    level = page.evaluate(
        "() => window.superWorkspace.drawings.store.of('BTCUSD')[0].points[0].price"
    )
    assert last < level < last + 2
    page.click("#alert-line")
    page.wait_for_selector(".toast:has-text('Alert armed')")
    append(data_dir / "BTCUSD.csv", row(BARS, level + 3))
    page.wait_for_selector(".toast:has-text('Alert: BTCUSD')")
    assert page.locator("#alert-log li").count() == 1
    append(data_dir / "BTCUSD.csv", row(BARS + 1, level - 3) + row(BARS + 2, level + 3))
    # The second crossing's bar is drawn (the server has checked the alert against it), and a
    # moment more for a wrong second alert frame to arrive: there is none.
    newest = int((START + pd.Timedelta(minutes=BARS + 2)).timestamp())
    page.wait_for_function(
        f"() => window.superWorkspace.workspace.active.columns.time.at(-1) === {newest}"
    )
    page.wait_for_timeout(1000)
    assert page.locator("#alert-log li").count() == 1


def test_every_drawing_tool_places_and_saves(page, base):
    open_workspace(page, base, "charts=EURUSD~1h", 1)
    page.on("dialog", lambda dialog: dialog.accept("breakout"))
    clicks = {
        "horizontal_ray": 1,
        "rectangle": 2,
        "fib_retracement": 2,
        "parallel_channel": 3,
        "long_position": 3,
        "short_position": 3,
        "text": 1,
    }
    for number, (tool, count) in enumerate(clicks.items(), start=1):
        page.click(f"[data-tool='{tool}']")
        for i in range(count):
            page.mouse.click(*canvas_point(page, 300 + 80 * i, 200 + 40 * i))
        page.wait_for_function(
            f"() => window.superWorkspace.drawings.store.of('EURUSD').length === {number}"
        )
    saved = page.evaluate("() => window.superWorkspace.drawings.store.of('EURUSD')")
    assert [drawing["type"] for drawing in saved] == list(clicks)
    assert saved[-1]["style"]["text"] == "breakout"
    assert (
        page.evaluate("() => window.superWorkspace.drawings.state.selected.id") == saved[-1]["id"]
    )
    page.keyboard.press("Delete")
    page.wait_for_function("() => window.superWorkspace.drawings.store.of('EURUSD').length === 6")
    assert page.watch.console_errors == []


def test_without_the_server_store_the_page_keeps_layouts_locally_and_says_so(page, base):
    open_workspace(page, base, "grid=2h&charts=EURUSD~1h,GOOG~1h&sync=symbol", 2)
    # Symbol sync: a symbol typed into one chart goes to the other.
    page.fill(".ws-cell >> nth=0 >> .ws-symbol", "AAPL")
    page.press(".ws-cell >> nth=0 >> .ws-symbol", "Enter")
    page.wait_for_function("() => window.superWorkspace.workspace.views[1].spec.symbol === 'AAPL'")
    page.route("**/api/layouts/**", lambda route: route.abort("connectionrefused"))
    page.fill("#layout-name", "offline-desk")
    page.click("#layout-save")
    page.wait_for_selector(".toast:has-text('saved in this browser only')")
    assert "unreachable" in page.locator("#store-status").text_content()
    page.goto(base + "/workspace?layout=offline-desk")
    page.wait_for_function(READY)
    page.wait_for_function(LOADED, arg=2)
    assert [spec["symbol"] for spec in page.evaluate(SPECS)] == ["AAPL", "AAPL"]
    assert "unreachable" in page.locator("#store-status").text_content()
