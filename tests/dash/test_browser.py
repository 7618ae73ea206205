"""One real Dash server (``python app/main_dash.py``) driven by Chromium: what a user sees."""

from __future__ import annotations

import pytest

from tests.dash.conftest import SMALL_BARS
from tests.dash.samples import csv_without_close, ohlcv_csv
from tests.live_server import free_port, live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Plotly's own record of what it drew: trace names, candle count, title, painted candle boxes.
CHART = """() => {
    const gd = document.querySelector('#chart .js-plotly-plot');
    const candles = gd && gd.data && gd.data.find(t => t.type === 'candlestick');
    if (!candles) return null;
    return {
        names: gd.data.map(t => t.name),
        bars: candles.x.length,
        title: (gd.layout.title && gd.layout.title.text) || '',
        boxes: gd.querySelectorAll('.trace.boxes path').length,
        lines: gd.querySelectorAll('.scatterlayer .trace path.js-line').length,
    };
}"""


def wait_for_chart(page, predicate: str, timeout: float = 30_000) -> dict:
    page.wait_for_function(
        f"() => {{ const c = ({CHART})(); return c && ({predicate}); }}", timeout=timeout
    )
    return page.evaluate(CHART)


def test_dash_app_in_a_real_browser(page, data_dir, tmp_path):
    good = tmp_path / "mine.csv"
    good.write_bytes(ohlcv_csv(120, timeframe="1d", seed=3))
    broken = tmp_path / "broken.csv"
    broken.write_bytes(csv_without_close())
    huge = tmp_path / "huge.csv"
    huge.write_bytes(ohlcv_csv(3000))  # ~180 KB, over the 0.1 MB limit below
    port = free_port()
    env = {"DASH_PORT": str(port), "UPLOAD_MAX_MB": "0.1"}
    with live_server(["app/main_dash.py"], port=port, health_path="/health", env=env) as base:
        page.goto(base)

        # The default symbol: candles painted, volume, and the four EMA lines.
        chart = wait_for_chart(page, f"c.bars === {SMALL_BARS} && c.boxes > 0 && c.lines === 4")
        assert chart["names"] == ["Price", "Volume", "EMA 10", "EMA 21", "EMA 50", "EMA 150"]
        assert "sample_ohlcv" in chart["title"]

        # Unticking EMA 21 removes its line, without reloading the page.
        page.evaluate("window.__same_page = true")
        page.get_by_label("EMA 21").uncheck()
        chart = wait_for_chart(page, "!c.names.includes('EMA 21') && c.lines === 3")
        assert chart["names"] == ["Price", "Volume", "EMA 10", "EMA 50", "EMA 150"]
        assert page.evaluate("window.__same_page === true")

        # An upload is drawn at once, at its own timeframe.
        page.locator("#upload input[type=file]").set_input_files(good)
        chart = wait_for_chart(page, "c.bars === 120 && c.title.includes('mine')")
        assert chart["boxes"] > 0
        assert "1d" in chart["title"]
        assert "mine.csv: 120 bars at 1d" in page.locator("#upload-status").inner_text()

        # A file without a close column: the core's message in an alert; the chart stays.
        page.locator("#upload input[type=file]").set_input_files(broken)
        alert = page.locator("#upload-status .alert-danger")
        alert.wait_for(timeout=15_000)
        assert "close" in alert.inner_text().lower()
        assert page.evaluate(CHART)["bars"] == 120

        # A file over UPLOAD_MAX_MB is refused with the limit (the browser does not send it).
        page.locator("#upload input[type=file]").set_input_files(huge)
        page.wait_for_function(
            "() => document.querySelector('#upload-status').innerText.includes('UPLOAD_MAX_MB')",
            timeout=15_000,
        )
        assert "huge.csv" in alert.inner_text()

        # An unknown timeframe for the data: an alert over an empty chart, no broken callback.
        page.locator("#source").get_by_label("Data folder").check()
        page.locator("#timeframe").select_option("5m")
        error = page.locator("#alert .alert-danger")
        error.wait_for(timeout=15_000)
        assert "finer" in error.inner_text()

    assert page.watch.external_requests == []
    assert page.watch.console_errors == []
