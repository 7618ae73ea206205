"""Editing drawings on the workspace (/workspace) in a real Chromium over a real uvicorn, with the
browser's own mouse on the chart canvas: a trend line's endpoint dragged alone (saved, undone,
redone, and after a reload drawn at its new time and price), a trend line extended right, a
dashed line style, a note's words edited. What is checked is what the server stored
(GET /api/drawings) and what the chart's canvases show (their pixels)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live.conftest import run_server, write_minutes

pytestmark = pytest.mark.browser

SYMBOLS = ("GOOG", "AAPL", "EURUSD", "BTCUSD")
BARS = 3000  # 1m bars: 50 one-hour bars on the chart
VIEW = "window.superWorkspace.workspace.active"
LOADED = f"() => window.superWorkspace && window.superWorkspace.ready && {VIEW} && {VIEW}.loads > 0"
# Pixels (media, relative to the chart canvas) of bar ``i``'s time and of a price.
BAR_X = f"(i) => {VIEW}.timeToX({VIEW}.columns.time[i])"
PRICE_Y = f"(price) => {VIEW}.series().priceToCoordinate(price)"
GEOMETRY = f"() => {VIEW}.drawings.primitive.geometry.map((geo) => geo.pts)"
# For each [x, y]: is the drawings' blue (#2962ff) within 2 px above or below it on the pane's
# canvases, as the user sees them?
BLUE = f"""(points) => {{
  const root = {VIEW}.canvasElement;
  const origin = root.getBoundingClientRect();
  const layers = [...root.querySelectorAll('canvas')].map((canvas) => {{
    const box = canvas.getBoundingClientRect();
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    return {{ canvas, box, data, ratio: canvas.width / box.width }};
  }});
  return points.map(([x, y]) => layers.some(({{ canvas, box, data, ratio }}) => {{
    const cx = Math.round((origin.left + x - box.left) * ratio);
    for (let dy = -2; dy <= 2; dy++) {{
      const cy = Math.round((origin.top + y - box.top) * ratio) + dy;
      if (cx < 0 || cy < 0 || cx >= canvas.width || cy >= canvas.height) continue;
      const i = (cy * canvas.width + cx) * 4;
      if (data[i] < 90 && data[i + 1] > 70 && data[i + 1] < 130 && data[i + 2] > 200) return true;
    }}
    return false;
  }}));
}}"""


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("drawing-edits")
    for seed, symbol in enumerate(SYMBOLS, start=1):
        write_minutes(folder / f"{symbol}.csv", bars=BARS, seed=seed)
    with run_server(folder) as url:
        yield url


@pytest.fixture(scope="module")
def page(browser):
    """One page for the module (each test opens its own symbol)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    yield page
    context.close()


def open_chart(page, base: str, symbol: str) -> None:
    page.goto(f"{base}/workspace?charts={symbol}~1h")
    page.wait_for_function(LOADED)


def on_canvas(page, x: float, y: float) -> tuple[float, float]:
    box = page.locator(".ws-cell[data-active='true'] .ws-canvas").bounding_box()
    return box["x"] + x, box["y"] + y


def saved(base: str, page, symbol: str) -> list[dict]:
    client_id = page.evaluate("() => localStorage.getItem('superchart.clientId')")
    answer = httpx.get(f"{base}/api/drawings?symbol={symbol}", headers={"X-Client-Id": client_id})
    answer.raise_for_status()
    return answer.json()


def wait_saved(base: str, page, symbol: str, check, timeout_s: float = 30.0) -> list[dict]:
    """The server's drawings of ``symbol`` once ``check(drawings)`` holds (``timeout_s`` at
    most: on a loaded 2-core machine a save can take seconds to reach the server)."""
    deadline = time.monotonic() + timeout_s
    while True:
        rows = saved(base, page, symbol)
        if rows and check(rows):
            return rows
        if time.monotonic() > deadline:
            raise AssertionError(f"the server never held the change: {rows}")
        page.wait_for_timeout(100)


def draw_trend_line(page, symbol: str, first: int, second: int) -> list[list[float]]:
    """A trend line from bar ``first``'s close to bar ``second``'s, clicked with the mouse;
    returns its ends in pixels."""
    closes = [page.evaluate(f"{VIEW}.columns.close[{i}]") for i in (first, second)]
    ends = [
        [page.evaluate(BAR_X, i), page.evaluate(PRICE_Y, close)]
        for i, close in zip((first, second), closes, strict=True)
    ]
    page.click("[data-tool='trend_line']")
    for x, y in ends:
        page.mouse.click(*on_canvas(page, x, y))
    page.wait_for_function(
        f"() => window.superWorkspace.drawings.store.of('{symbol}').length === 1"
        f" && {VIEW}.drawings.primitive.geometry.length === 1"
    )
    return ends


def drag(page, start: list[float], end: list[float]) -> None:
    page.mouse.move(*on_canvas(page, *start))
    page.mouse.down()
    page.mouse.move(*on_canvas(page, *end), steps=8)
    page.mouse.up()


def along(a, b, start: float, stop: float, count: int) -> list[list[float]]:
    """``count`` points on the line through a and b, from parameter ``start`` to ``stop``."""
    step = (stop - start) / (count - 1)
    points = []
    for k in range(count):
        t = start + k * step
        points.append([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])])
    return points


def test_dragging_an_endpoint_moves_it_alone_undo_restores_it_and_a_reload_keeps_it(page, base):
    open_chart(page, base, "GOOG")
    a, b = draw_trend_line(page, "GOOG", 10, 30)
    original = saved(base, page, "GOOG")[0]["points"]
    # The second point's handle, dragged to bar 42's time and 80 px higher.
    target = [page.evaluate(BAR_X, 42), b[1] - 80]
    want_time = page.evaluate(f"{VIEW}.columns.time[42]")
    price_at = f"(y) => {VIEW}.series().coordinateToPrice(y)"
    want_price = page.evaluate(price_at, target[1])
    pixel_price = abs(want_price - page.evaluate(price_at, target[1] + 1))
    drag(page, b, target)

    def moved(rows):
        return rows[0]["points"][1]["time"] != original[1]["time"]

    points = wait_saved(base, page, "GOOG", moved)[0]["points"]
    assert points[0] == original[0], "the other end moved"
    assert abs(points[1]["time"] - want_time) <= 600  # a pixel is 10 minutes of 1h bars here
    assert abs(points[1]["price"] - want_price) <= 2 * pixel_price

    # Undo puts the endpoint back (on the server too); redo moves it again.
    page.keyboard.press("Control+z")
    assert wait_saved(base, page, "GOOG", lambda rows: not moved(rows))[0]["points"] == original
    page.keyboard.press("Control+y")
    assert wait_saved(base, page, "GOOG", moved)[0]["points"] == points

    page.reload()
    page.wait_for_function(LOADED)
    page.wait_for_function(f"() => ({GEOMETRY})().length === 1")
    new_a, new_b = page.evaluate(GEOMETRY)[0]
    assert abs(new_a["x"] - a[0]) <= 1.5 and abs(new_a["y"] - a[1]) <= 1.5
    assert abs(new_b["x"] - target[0]) <= 1.5 and abs(new_b["y"] - target[1]) <= 2.5
    ends = [[new_a["x"], new_a["y"]], [new_b["x"], new_b["y"]]]
    assert all(page.evaluate(BLUE, along(*ends, 0.15, 0.85, 12))), "the moved line is not drawn"
    assert not any(page.evaluate(BLUE, [b, [b[0] - 4, b[1]]])), "still drawn to the old endpoint"
    assert page.errors == []


def test_extend_right_draws_the_line_past_its_second_point(page, base):
    open_chart(page, base, "AAPL")
    a, b = draw_trend_line(page, "AAPL", 8, 24)
    beyond = along(a, b, 1.25, 1.6, 8)  # right of the second point, on the line's course
    before = along(a, b, -0.6, -0.25, 8)  # left of the first
    assert not any(page.evaluate(BLUE, beyond))
    editor = page.locator(".ws-drawing-editor")
    assert editor.is_visible()
    editor.locator(".de-extend-right").check()
    style = wait_saved(base, page, "AAPL", lambda rows: rows[0]["style"].get("extend_right"))
    assert not style[0]["style"].get("extend_left")
    page.wait_for_function(f"(points) => ({BLUE})(points).every(Boolean)", arg=beyond)
    assert not any(page.evaluate(BLUE, before)), "extended left as well"
    # Extended, it is hit (selected) past its second point too.
    page.keyboard.press("Escape")
    page.mouse.click(*on_canvas(page, *beyond[4]))
    assert page.evaluate("() => window.superWorkspace.drawings.state.selected !== null")
    assert editor.is_visible()
    # The chart switched to another symbol: the editor of AAPL's line goes.
    page.fill(".ws-cell[data-active='true'] .ws-symbol", "EURUSD")
    page.press(".ws-cell[data-active='true'] .ws-symbol", "Enter")
    page.wait_for_function(f"() => {VIEW}.spec.symbol === 'EURUSD' && {VIEW}.loads > 1")
    assert not editor.is_visible()


def test_dashed_style_is_saved_and_drawn_with_gaps(page, base):
    open_chart(page, base, "EURUSD")
    a, b = draw_trend_line(page, "EURUSD", 10, 34)
    samples = along(a, b, 0.1, 0.9, 60)
    assert all(page.evaluate(BLUE, samples)), "a solid line has no gaps"
    page.select_option(".ws-drawing-editor .de-line-style", "dashed")
    wait_saved(base, page, "EURUSD", lambda rows: rows[0]["style"].get("line_style") == "dashed")
    page.wait_for_function(f"(points) => !({BLUE})(points).every(Boolean)", arg=samples)

    def dashed(drawn: list[bool]) -> bool:
        share = sum(drawn) / len(drawn)
        runs = sum(1 for i in range(1, len(drawn)) if drawn[i] and not drawn[i - 1])
        return 0.3 < share < 0.9 and runs >= 4

    assert dashed(page.evaluate(BLUE, samples))
    page.reload()
    page.wait_for_function(LOADED)
    page.wait_for_function(f"() => ({GEOMETRY})().length === 1")
    assert dashed(page.evaluate(BLUE, samples)), "not dashed after a reload"


def test_a_notes_words_are_edited_saved_and_undone(page, base):
    open_chart(page, base, "BTCUSD")
    page.once("dialog", lambda dialog: dialog.accept("first words"))
    page.click("[data-tool='text']")
    page.mouse.click(*on_canvas(page, 300, 300))
    wait_saved(base, page, "BTCUSD", lambda rows: rows[0]["style"]["text"] == "first words")
    page.keyboard.press("Escape")  # nothing selected: the double-click selects and edits
    page.mouse.dblclick(*on_canvas(page, 310, 296))
    words = page.locator(".ws-drawing-editor .de-text")
    page.wait_for_function("() => document.activeElement.classList.contains('de-text')")
    assert words.input_value() == "first words"
    words.fill("second thoughts")
    words.press("Enter")
    wait_saved(base, page, "BTCUSD", lambda rows: rows[0]["style"]["text"] == "second thoughts")
    page.keyboard.press("Control+z")
    wait_saved(base, page, "BTCUSD", lambda rows: rows[0]["style"]["text"] == "first words")
    page.keyboard.press("Control+y")
    wait_saved(base, page, "BTCUSD", lambda rows: rows[0]["style"]["text"] == "second thoughts")
    page.reload()
    page.wait_for_function(LOADED)
    stored = page.evaluate("() => window.superWorkspace.drawings.store.of('BTCUSD')")
    assert [drawing["style"]["text"] for drawing in stored] == ["second thoughts"]
    assert page.errors == []


SELECTED_HANDLES = f"""() => {{
  const id = window.superWorkspace.drawings.state.selected.id;
  const geo = {VIEW}.drawings.primitive.geometry.find((each) => each.id === id);
  return geo.pts.map((p) => [p.x, p.y]);
}}"""


@pytest.mark.parametrize(
    ("tool", "clicks", "handle", "moves"),
    [
        # A rectangle's corner that is no point of its own: first point's time, second's price.
        ("rectangle", [[300, 200], [420, 300]], [300, 300], {(0, "time"), (1, "price")}),
        ("fib_retracement", [[300, 200], [420, 300]], [420, 300], {(1, "time"), (1, "price")}),
        (
            "parallel_channel",
            [[300, 200], [420, 260], [360, 330]],
            [360, 330],
            {(2, "time"), (2, "price")},
        ),
        (
            "long_position",
            [[300, 300], [420, 220], [420, 360]],
            [420, 220],
            {(1, "time"), (1, "price")},
        ),
    ],
)
def test_a_handle_moves_only_its_own_time_and_price(page, base, tool, clicks, handle, moves):
    symbol = "GOOG"
    open_chart(page, base, symbol)
    page.evaluate(
        "async () => { const tools = window.superWorkspace.drawings;"
        f" for (const d of [...tools.store.of('{symbol}')]) await tools.store.remove(d); }}"
    )
    page.click(f"[data-tool='{tool}']")
    for x, y in clicks:
        page.mouse.click(*on_canvas(page, x, y))
    before = wait_saved(base, page, symbol, lambda rows: len(rows) == 1)[0]["points"]
    drag(page, handle, [handle[0] + 60, handle[1] - 50])
    after = wait_saved(base, page, symbol, lambda rows: rows[0]["points"] != before)[0]["points"]
    for index, (old, new) in enumerate(zip(before, after, strict=True)):
        for field in ("time", "price"):
            changed = old[field] != new[field]
            assert changed == ((index, field) in moves), f"{tool}: point {index}'s {field}"
