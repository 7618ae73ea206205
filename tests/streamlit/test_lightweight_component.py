"""#20: Streamlit's Lightweight engine is the `/chart` page's own script in a Streamlit component.
In Chromium against a real `streamlit run` (no FastAPI server): candles drawn, the RSI pane with
its 30/70 guides, legends at EURUSD's 5 decimals, panes on one time axis, weekly bars dated
without a time, and a live bar appended to the file drawn without losing the user's zoom."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.streamlit.lightweight_frame import CANDLES, chart_frame, wait_for_candles
from tests.streamlit.ohlcv_samples import ohlcv_frame
from tests.streamlit.streamlit_server import streamlit_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BARS = 600
PRICES = ["open", "high", "low", "close"]


def eurusd() -> pd.DataFrame:
    """600 hourly bars of a 5-decimal FX pair."""
    frame = ohlcv_frame(BARS, seed=21)
    frame[PRICES] = (frame[PRICES] / 100 * 1.08).round(5)
    return frame


def csv_bytes(frame: pd.DataFrame) -> bytes:
    out = frame.copy()
    out["time"] = out["time"].dt.strftime("%Y-%m-%d %H:%M:%S")
    return out.to_csv(index=False).encode()


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory) -> Path:
    folder: Path = tmp_path_factory.mktemp("fx")
    (folder / "EURUSD.csv").write_bytes(csv_bytes(eurusd()))
    return folder


@pytest.fixture(scope="module")
def server(data_folder: Path) -> Iterator[str]:
    with streamlit_app(data_folder / "EURUSD.csv", EMA_PERIODS="10,21") as base:
        yield base


def own_errors(page) -> list[str]:
    """Console errors, less Chromium's own when the machine's network changes under a test."""
    return [text for text in page.watch.console_errors if "ERR_NETWORK_CHANGED" not in text]


def open_lightweight(page, server: str, *indicators: str):
    page.set_default_timeout(90_000)  # a shared 2-core machine under load: every rerun is slow
    page.goto(server)
    sidebar = page.locator("section[data-testid='stSidebar']")
    for option in indicators:
        picker = sidebar.locator("[data-testid='stMultiSelect']").filter(has_text="Indicators")
        picker.locator("input").click()
        page.get_by_role("option", name=option).click()
        page.keyboard.press("Escape")
        label = option.split(" · ")[0]  # its parameters box says the pick was taken
        sidebar.get_by_text(re.compile(rf"^{label} \(")).first.wait_for()
    page.get_by_text("Lightweight Charts", exact=True).click()
    frame = chart_frame(page)
    wanted = len(indicators)
    frame.wait_for_function(
        f"() => superChart.studies.entries().length === {wanted}", timeout=60_000
    )
    wait_for_candles(frame)
    return frame


# Each pane's legend rows as the user reads them, and each pane's plot area on the page.
LEGENDS = """() => Array.from(document.querySelectorAll('.pane-legend')).map(box =>
    Array.from(box.querySelectorAll('.legend-row'))
        .map(row => row.innerText.replace(/\\s+/g, ' ')))"""
PLOT_AREAS = """() => superChart.chart.panes().map(pane => {
    const cells = pane.getHTMLElement().querySelectorAll('td');
    const box = cells[1].getBoundingClientRect();  // [left scale, plot area, right scale]
    return {left: box.left, width: box.width, top: box.top, height: box.height};
})"""
RSI_GUIDES = """() => {
    const entry = superChart.studies.entries().find(e => e.instance.name === 'rsi');
    const series = entry.outputs[0].series;
    return {pane: entry.paneIndex, guides: series.priceLines().map(line => ({
        price: line.options().price, y: series.priceToCoordinate(line.options().price),
        color: line.options().color}))};
}"""


def test_candles_panes_guides_and_legends_as_on_the_page(page, server):
    frame = open_lightweight(
        page,
        server,
        "RSI · Relative Strength Index (own pane)",
        "MACD · Moving Average Convergence Divergence (own pane)",
    )
    candles = frame.evaluate(CANDLES)
    assert candles["bars"] == BARS and candles["painted"] > 0
    assert frame.evaluate("() => superChart.chart.panes().length") == 3  # price, RSI, MACD

    # The RSI pane's 30 and 70 guides, inside the pane (what the user sees as dashed lines).
    rsi = frame.evaluate(RSI_GUIDES)
    areas = frame.evaluate(PLOT_AREAS)
    assert rsi["pane"] == 1
    assert sorted(guide["price"] for guide in rsi["guides"]) == [30, 70]
    for guide in rsi["guides"]:
        assert 0 < guide["y"] < areas[1]["height"]

    # Legends: OHLC and MACD at EURUSD's 5 decimals, RSI in points; the newest bar's values.
    legends = frame.evaluate(LEGENDS)
    price_row = legends[0][0]
    last = eurusd().iloc[-1]
    assert f"C {last['close']:.5f}" in price_row, price_row
    assert re.search(r"O \d\.\d{5} H \d\.\d{5} L \d\.\d{5} C \d\.\d{5}", price_row), price_row
    assert re.search(r"Thu 25 Jan '24 23:00", price_row), price_row  # hourly: date and time
    [rsi_row] = legends[1]
    assert re.fullmatch(r"RSI 14 \d{1,3}\.\d\d", rsi_row), rsi_row
    [macd_row] = legends[2]
    assert re.fullmatch(r"MACD 12 26 9( −?-?\d\.\d{5}){3}", macd_row), macd_row

    # One time axis: every pane's plot area has the same left edge and width, so one time is at
    # one x in all of them; hovering the MACD pane moves the price legend to the bar under it.
    assert len({(round(a["left"], 1), round(a["width"], 1)) for a in areas}) == 1, areas
    box = page.locator("iframe[title$='.lightweight_chart']").bounding_box()
    x = areas[2]["left"] + areas[2]["width"] * 0.5
    page.mouse.move(box["x"] + x, box["y"] + areas[2]["top"] + areas[2]["height"] / 2)
    hovered = frame.evaluate(
        f"""() => {{
            const time = superChart.chart.timeScale().coordinateToTime({x} - {areas[0]["left"]});
            const held = superChart.held.data.columns.time;
            return {{time, index: held.indexOf(time)}};
        }}"""
    )
    bar = eurusd().iloc[hovered["index"]]
    label = f"{bar['time']:%a %d %b '%y %H:%M} O {bar['open']:.5f}"
    try:
        frame.wait_for_function(f"() => ({LEGENDS})()[0][0].includes({label!r})", timeout=10_000)
    except Exception:
        pytest.fail(f"hovered {hovered}, {label!r} not in {frame.evaluate(LEGENDS)}")

    # Levels as on the page: the strongest 6 drawn, the rest said to be hidden.
    page.locator("section[data-testid='stSidebar']").get_by_text("Levels", exact=True).click()
    frame.wait_for_function("() => superChart.analysis.drawn().lines.length > 0")
    drawn = frame.evaluate("() => superChart.analysis.drawn()")
    assert len(drawn["lines"]) == 6 and drawn["hidden"] > 0  # this data has 8 levels
    note = frame.locator("#levels-note")
    assert note.is_visible()
    assert note.inner_text().strip() == f"Levels ({drawn['hidden']} weaker hidden)"
    assert own_errors(page) == []
    assert page.watch.external_requests == []


VISIBLE = "() => superChart.chart.timeScale().getVisibleLogicalRange()"


def test_a_live_bar_is_drawn_and_the_zoom_the_user_set_is_kept(page, server, data_folder):
    frame = open_lightweight(page, server)
    box = page.locator("iframe[title$='.lightweight_chart']").bounding_box()
    middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
    page.mouse.move(*middle)
    for _ in range(3):
        page.mouse.wheel(0, -240)  # zoom in
    page.mouse.down()
    page.mouse.move(middle[0] + 250, middle[1], steps=10)  # drag to older bars
    page.mouse.up()
    page.mouse.move(box["x"] - 5, box["y"] - 5)  # away: the legend shows the newest bar
    frame.wait_for_function(f"() => ({VISIBLE})().to < {BARS - 20}", timeout=10_000)
    newest = f"C {eurusd()['close'].iloc[-1]:.5f}"
    frame.wait_for_function(f"() => ({LEGENDS})()[0][0].includes({newest!r})", timeout=10_000)
    zoom = frame.evaluate(VISIBLE)
    frame.evaluate("() => { window.sameDocument = true; }")  # gone if the iframe reloads

    time = eurusd()["time"].iloc[-1] + pd.Timedelta(hours=1)
    with open(data_folder / "EURUSD.csv", "ab") as file:
        file.write(f"{time:%Y-%m-%d %H:%M:%S},1.19555,1.20411,1.19502,1.20345,777\n".encode())
    candles = wait_for_candles(frame, f"c.bars === {BARS + 1}", timeout=60_000)

    assert candles["last"] == int(time.timestamp())
    assert frame.evaluate("() => window.sameDocument") is True
    assert frame.evaluate("() => superChart.plans[superChart.plans.length - 1]") == "append"
    kept = frame.evaluate(VISIBLE)
    assert kept["from"] == pytest.approx(zoom["from"]) and kept["to"] == pytest.approx(zoom["to"])
    try:
        frame.wait_for_function(f"() => ({LEGENDS})()[0][0].includes('C 1.20345')", timeout=10_000)
    except Exception:
        pytest.fail(f"the new bar is not in the legend: {frame.evaluate(LEGENDS)}")
    assert own_errors(page) == []


def test_weekly_bars_are_dated_without_a_time(page, server):
    frame = open_lightweight(page, server)
    sidebar = page.locator("section[data-testid='stSidebar']")
    sidebar.locator("[data-testid='stSelectbox']").filter(has_text="Timeframe").click()
    page.get_by_role("option", name="1w", exact=True).click()
    frame.wait_for_function("() => superChart.held.data.meta && superChart.held.count() < 10")
    legends = frame.evaluate(LEGENDS)
    assert legends[0][0].startswith("EURUSD · 1w "), legends
    assert re.search(r"\b(Mon|Sun) \d\d \w{3} '\d\d O ", legends[0][0]), legends
    assert not re.search(r"\d\d:\d\d", legends[0][0]), legends
    assert frame.evaluate("() => superChart.chart.options().timeScale.timeVisible") is False
    assert own_errors(page) == []
