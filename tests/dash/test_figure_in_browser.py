"""The Plotly figure as plotly.js draws it in the Dash app: the volume as two filled paths and
in the candle's hover, no colour warnings from direction-coloured bars, the "Volume" label over
no candle, the value labels inside the figure, and the date labels recomputed for the bars in
view on zoom. One Dash server for the module."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.charts.plotly_volume import si_text
from app.core.synthetic import synthetic_ohlcv
from tests.dash.samples import ohlcv_csv
from tests.dash.test_browser import pick
from tests.live_server import free_port, live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BARS = 2000
DRAWN = """() => {
    const gd = document.querySelector('#chart .js-plotly-plot');
    const candles = gd && gd._fullData && gd._fullData.find(t => t.type === 'candlestick');
    return !!(candles && candles.x.length && gd.querySelector('.trace.boxes path'));
}"""
# Where things are drawn, in page pixels: the plot area, the "Volume" label, the candles' boxes
# and the value labels right of the panes.
GEOMETRY = """() => {
    const gd = document.querySelector('#chart .js-plotly-plot');
    const svg = gd.querySelector('svg.main-svg').getBoundingClientRect();
    const size = gd._fullLayout._size;
    const box = (el) => { const r = el.getBoundingClientRect();
                          return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
    const label = [...gd.querySelectorAll('.annotation')]
        .find(a => a.textContent.trim() === 'Volume');
    return {
        plot: {left: svg.left + size.l, right: svg.left + size.l + size.w,
               top: svg.top + size.t, bottom: svg.top + size.t + size.h},
        svgRight: svg.right,
        label: label && box(label.querySelector('text')),
        candles: [...gd.querySelectorAll('.trace.boxes path.box')].map(box),
        valueLabels: [...gd.querySelectorAll('.ytick text')].map(box),
    };
}"""


# The volume's filled paths: their colours, the rectangles each draws (the times its outline
# rises off the axis, the lowest y of its "d"), and any path left in the bar layer.
VOLUME_DRAWN = """() => {
    const gd = document.querySelector('#chart .js-plotly-plot');
    const fills = [...gd.querySelectorAll('.scatterlayer .trace')]
        .filter(g => g.__data__[0].trace.name === 'Volume')
        .map(g => g.querySelector('path.js-fill'));
    const rectangles = (d) => {
        const ys = [];
        for (const [, command, args] of d.matchAll(/([MLHVZ])([^MLHVZ]*)/g)) {
            const numbers = args.split(/[ ,]+/).filter(Boolean).map(Number);
            if (command === 'V') ys.push(numbers[0]);
            else if (command === 'M' || command === 'L') ys.push(numbers[1]);
        }
        const axis = Math.max(...ys);  // SVG y grows downwards: the axis is the largest
        return ys.filter((y, i) => y < axis - 0.01 && i > 0 && ys[i - 1] >= axis - 0.01).length;
    };
    return {
        fills: fills.map(p => p && [p.style.fill, p.style.fillOpacity]),
        rectangles: fills.map(p => p ? rectangles(p.getAttribute('d')) : 0),
        barPaths: gd.querySelectorAll('.barlayer .trace path').length,
    };
}"""
# A page point over the price pane at ``share`` of the plot's width, and the hover's text.
PLOT_POINT = """(share) => {
    const gd = document.querySelector('#chart .js-plotly-plot');
    const svg = gd.querySelector('svg.main-svg').getBoundingClientRect();
    const size = gd._fullLayout._size;
    return [svg.left + size.l + size.w * share, svg.top + size.t + size.h * 0.4];
}"""
HOVER_TEXT = """() => [...document.querySelectorAll('#chart .hoverlayer text')]
    .map(t => t.textContent).join(' | ')"""


@pytest.fixture(scope="module")
def dash_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder: Path = tmp_path_factory.mktemp("figure-data")
    (folder / "hourly.csv").write_bytes(ohlcv_csv(BARS, seed=5))
    port = free_port()
    env = {
        "DASH_PORT": str(port),
        "DATA_SOURCE": "csv",
        "DATA_DIR": str(folder),
        "DEFAULT_SYMBOL": "hourly",
        "DEFAULT_TIMEFRAME": "1h",
        "EMA_PERIODS": "10,21,50,150",
        "DASH_REFRESH_S": "0",
    }
    with live_server(["app/main_dash.py"], port=port, health_path="/health", env=env) as base:
        yield base


def test_volume_is_two_filled_paths_and_a_macd_histogram_draws_without_colour_warnings(
    page, dash_base
):
    """The 2,000 volume bars are two SVG paths (rising, falling: app.charts.plotly_volume), not
    one each; the MACD histogram's bars, coloured by direction: plotly.js logged "Invalid color
    specifier" once per bar when they were coloured through a colorscale."""
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(dash_base)
    page.wait_for_function(DRAWN, timeout=60_000)
    volume = page.evaluate(VOLUME_DRAWN)
    # theme.UP_VOLUME, theme.DOWN_VOLUME
    assert volume["fills"] == [["rgb(38, 166, 154)", "0.5"], ["rgb(239, 83, 80)", "0.5"]]
    frame = synthetic_ohlcv(BARS, timeframe="1h", seed=5)  # the server's file
    rising = int((frame["close"] >= frame["open"]).sum())
    assert (frame["volume"] > 0).all() and 0 < rising < BARS
    assert volume["rectangles"] == [rising, BARS - rising]  # one per bar, in its direction's
    assert volume["barPaths"] == 0  # nothing left in the bar layer

    pick(page, "#indicator-kind", "MACD · Moving Average Convergence Divergence (pane)")
    expect(page.locator("#indicator-param-1")).to_have_value("26")
    page.get_by_role("button", name="Add indicator").click()
    page.wait_for_function(
        "() => document.querySelectorAll('#chart .barlayer .trace path').length > 1000",
        timeout=60_000,
    )  # the histogram's bars, drawn
    bars = page.evaluate(
        "() => [...document.querySelectorAll('#chart .barlayer .trace path')]"
        ".map(p => getComputedStyle(p).fill)"
    )
    assert len(set(bars)) == 2 and "rgb(0, 0, 0)" not in bars  # in the two volume colours
    assert page.evaluate(VOLUME_DRAWN)["fills"] == volume["fills"]  # the volume still drawn
    assert not [text for text in messages if "Invalid color" in text]
    assert page.watch.console_errors == []


def test_hovering_a_candle_shows_its_volume(page, dash_base):
    """The volume's paths have no hover of their own: the candle's row names the bar's volume,
    as the volume bars' hover wrote it (d3's .4~s)."""
    page.goto(dash_base)
    page.wait_for_function(DRAWN, timeout=60_000)
    frame = synthetic_ohlcv(BARS, timeframe="1h", seed=5)  # the server's file
    volume_at = {
        f"{t:%Y-%m-%d %H:%M} UTC": v for t, v in zip(frame["time"], frame["volume"], strict=True)
    }
    for share in (0.3, 0.8):
        x, y = page.evaluate(PLOT_POINT, share)
        page.mouse.move(x, y)
        page.wait_for_function(f"() => ({HOVER_TEXT})().includes('volume:')", timeout=10_000)
        text = page.evaluate(HOVER_TEXT)
        date = re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", text).group(0)
        assert f"volume: {si_text(volume_at[date])}" in text, text
        page.mouse.move(1, 1)
    assert page.watch.console_errors == []


def test_the_volume_label_sits_left_of_the_candles_and_value_labels_fit(page, dash_base):
    page.goto(dash_base)
    page.wait_for_function(DRAWN, timeout=60_000)
    drawn = page.evaluate(GEOMETRY)
    plot, label = drawn["plot"], drawn["label"]
    assert label is not None
    assert label["right"] <= plot["left"] + 1  # in the margin left of the plot area
    assert plot["top"] < label["top"] < label["bottom"] <= plot["bottom"] + 1  # beside the volume
    assert drawn["candles"]
    overlapping = [
        box
        for box in drawn["candles"]
        if box["left"] < label["right"] and box["right"] > label["left"]
        and box["top"] < label["bottom"] and box["bottom"] > label["top"]
    ]  # fmt: skip
    assert overlapping == []
    # The price labels are not cut at the figure's right edge (a fixed margin, not automargin).
    assert drawn["valueLabels"]
    assert max(box["right"] for box in drawn["valueLabels"]) <= drawn["svgRight"]


LEGEND = """() => [...document.querySelectorAll('#chart .legend .traces .legendtext')]
    .map(t => t.textContent)"""
EMA_LINE_SHOWN = """(name) => [...document.querySelectorAll('#chart .scatterlayer .trace')]
    .some(g => g.__data__[0].trace.name === name && g.style.display !== 'none'
               && g.querySelector('path.js-line'))"""


def test_an_ema_toggle_is_done_in_the_browser_without_a_request(page, dash_base):
    """Every offered EMA is in the figure; the checklist hides or shows its line in place."""
    page.goto(dash_base)
    page.wait_for_function(DRAWN, timeout=60_000)
    page.wait_for_function(EMA_LINE_SHOWN, arg="EMA 10", timeout=30_000)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    switch = page.locator("#emas").get_by_text("EMA 10", exact=True)

    switch.click()
    page.wait_for_function(f"(n) => !({EMA_LINE_SHOWN})(n)", arg="EMA 10", timeout=10_000)
    page.wait_for_function(f"() => !({LEGEND})().includes('EMA 10')", timeout=10_000)
    assert "EMA 21" in page.evaluate(LEGEND)  # the others stay

    switch.click()
    page.wait_for_function(EMA_LINE_SHOWN, arg="EMA 10", timeout=10_000)
    page.wait_for_function(f"() => ({LEGEND})().includes('EMA 10')", timeout=10_000)
    assert [url for url in requests if "_dash-update-component" in url] == []

    # Quick flips in a row (off, on, off before plotly.js has caught up) end as the switch says
    # and stay so (a restyle still on its way may not undo it). Waited for, not slept on: a
    # restyle of 2,000 candles can take seconds on a loaded machine.
    for _ in range(3):
        switch.click()
    expect(page.locator("#emas input").first).not_to_be_checked()
    wait_settled(page, f"() => !({LEGEND})().includes('EMA 10') && !({EMA_LINE_SHOWN})('EMA 10')")
    for _ in range(3):  # on, off, on
        switch.click()
    expect(page.locator("#emas input").first).to_be_checked()
    wait_settled(page, f"() => ({LEGEND})().includes('EMA 10') && ({EMA_LINE_SHOWN})('EMA 10')")
    assert page.watch.console_errors == []


def wait_settled(page, predicate: str, hold_ms: int = 600, timeout: float = 20_000) -> None:
    """Wait until ``predicate`` has held for ``hold_ms`` without a break."""
    page.evaluate("() => { window.__heldSince = null; }")
    page.wait_for_function(
        f"""() => {{
            if (!({predicate})()) {{ window.__heldSince = null; return false; }}
            window.__heldSince = window.__heldSince ?? performance.now();
            return performance.now() - window.__heldSince >= {hold_ms};
        }}""",
        polling=50,
        timeout=timeout,
    )


# The x axis' labels as drawn: [position, text] of each tick inside the range shown.
X_TICKS = """() => {
    const gd = document.querySelector('#chart .js-plotly-plot');
    const axis = gd._fullLayout.xaxis;
    const [a, b] = axis.range;
    return {range: [a, b],
            ticks: (axis.tickvals || []).map((v, i) => [v, axis.ticktext[i]])
                .filter(([v]) => v >= a && v <= b),
            drawn: [...gd.querySelectorAll('.xtick text')].map(t => t.textContent)};
}"""
ZOOM = """async ([from, to]) => {
    const gd = document.querySelector('#chart .js-plotly-plot');
    await Plotly.relayout(gd, {'xaxis.range': [from, to]});
}"""
HOVER_DATES = """() => {
    const gd = document.querySelector('#chart .js-plotly-plot');
    const candles = gd._fullData.find(t => t.type === 'candlestick');
    return [candles.x[0], Array.from(candles.customdata)];
}"""


def test_date_labels_are_recomputed_for_the_bars_in_view_on_zoom(page, dash_base):
    page.goto(dash_base)
    page.wait_for_function(DRAWN, timeout=60_000)
    whole = page.evaluate(X_TICKS)
    assert not any(":" in text for _, text in whole["ticks"])  # 2,000 hours: days or weeks
    first, dates = page.evaluate(HOVER_DATES)
    middle = first + len(dates) // 2

    page.evaluate(ZOOM, [middle, middle + 30])  # 30 hourly bars
    page.wait_for_function(
        f"() => {{ const t = ({X_TICKS})(); return t.ticks.length >= 3 "
        "&& t.ticks.every(([, text]) => text.includes(':')); }",
        timeout=30_000,
    )
    zoomed = page.evaluate(X_TICKS)
    for position, text in zoomed["ticks"]:
        # each label names its own bar: "03 Jun 14:00" for the bar dated 2024-06-03 14:00 UTC
        date = dates[int(position) - first]  # "2024-06-03 14:00 UTC"
        day, hour = date.split(" ")[0].split("-")[2], date.split(" ")[1]
        assert text.startswith(day) and text.endswith(hour), (text, date)
    assert set(zoomed["drawn"]) >= {text for _, text in zoomed["ticks"]}  # on screen

    page.evaluate(ZOOM, [first, first + len(dates) - 1])  # back out: days again
    page.wait_for_function(
        f"() => !({X_TICKS})().ticks.some(([, text]) => text.includes(':'))", timeout=30_000
    )
    assert page.watch.console_errors == []


def grid_graph(script: str) -> str:
    """``script`` (one of the above) on the grid's first chart instead of the main one."""
    return script.replace("#chart .js-plotly-plot", "#grid-chart-0 .js-plotly-plot")


def test_a_grid_charts_date_labels_follow_its_zoom(page, dash_base):
    page.goto(dash_base)
    page.wait_for_function(DRAWN, timeout=60_000)
    page.get_by_text("2x2 grid", exact=True).click()
    page.wait_for_function(grid_graph(DRAWN), timeout=60_000)
    whole = page.evaluate(grid_graph(X_TICKS))
    assert whole["ticks"] and not any(":" in text for _, text in whole["ticks"])  # 300 hours
    first, dates = page.evaluate(grid_graph(HOVER_DATES))
    middle = first + len(dates) // 2

    page.evaluate(grid_graph(ZOOM), [middle, middle + 30])
    page.wait_for_function(
        f"() => {{ const t = ({grid_graph(X_TICKS)})(); return t.ticks.length >= 3 "
        "&& t.ticks.every(([, text]) => text.includes(':')); }",
        timeout=30_000,
    )
    zoomed = page.evaluate(grid_graph(X_TICKS))
    assert zoomed["range"] == pytest.approx([middle, middle + 30])  # the zoom stayed
    for position, text in zoomed["ticks"]:
        date = dates[int(position) - first]
        day, hour = date.split(" ")[0].split("-")[2], date.split(" ")[1]
        assert text.startswith(day) and text.endswith(hour), (text, date)
    assert page.watch.console_errors == []
