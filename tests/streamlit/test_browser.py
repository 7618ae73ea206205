"""One real `streamlit run` server driven by Chromium: what a user sees in the browser."""

from __future__ import annotations

import pandas as pd
import pytest

from app.core import OHLCV_COLUMNS
from tests.live_server import free_port, live_server
from tests.streamlit.lightweight_frame import chart_frame, wait_for_candles
from tests.streamlit.ohlcv_samples import ohlcv_csv, ohlcv_frame
from tests.streamlit.plotly_frame import PLOT
from tests.streamlit.script_runs import wait_for_run_done

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PLOTLY_CANDLES = """() => {
    const gd = $plot;
    const trace = gd && gd.data && gd.data.find(t => t.type === 'candlestick');
    if (!trace) return null;
    // x may be a typed array spec ({dtype, bdata}); plotly.js decodes it into _fullData.
    const full = (gd._fullData || []).find(t => t.type === 'candlestick');
    const x = full && full.x ? full.x : trace.x;
    return {
        bars: x.length,
        title: (gd.layout.title && gd.layout.title.text) || '',
        boxes: gd.querySelectorAll('.trace.boxes path').length,
        lines: gd.data.filter(t => t.type === 'scatter' && (t.visible === undefined
            || t.visible === true)).map(t => t.name),
    };
}""".replace("$plot", PLOT)


def wait_for_plotly(page, predicate: str, timeout: float = 30_000) -> dict:
    page.wait_for_function(
        f"() => {{ const c = ({PLOTLY_CANDLES})(); return c && ({predicate}); }}", timeout=timeout
    )
    return page.evaluate(PLOTLY_CANDLES)


def test_dashboard_in_a_real_browser(page, data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("STREAMLIT_REFRESH_S", "0")  # no redraws under the clicks
    upload = tmp_path / "mine.csv"
    upload.write_bytes(ohlcv_csv(120, seed=3))
    port = free_port()
    args = [
        "-m", "streamlit", "run", "app/main_streamlit.py",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with live_server(args, port=port, health_path="/_stcore/health") as base:
        page.goto(base)

        # The default symbol from DATA_DIR is drawn with Plotly: 300 candles, painted.
        chart = wait_for_plotly(page, "c.bars === 300 && c.boxes > 0", timeout=90_000)
        assert "sample_ohlcv" in chart["title"]

        # Uploading a file in the sidebar draws it at once, with no other click.
        sidebar = page.locator("section[data-testid='stSidebar']")
        sidebar.locator("input[type='file']").set_input_files(upload)
        chart = wait_for_plotly(page, "c.bars === 120 && c.title.includes('mine.csv')")
        assert chart["boxes"] > 0

        # The download holds the uploaded bars with the EMAs that are ticked.
        sidebar.get_by_text("EMA 150", exact=True).click()
        wait_for_plotly(page, "c.bars === 120 && !c.lines.includes('EMA 150')")
        wait_for_run_done(page)  # the button under the chart is this run's, not the last one's
        with page.expect_download(timeout=90_000) as download:
            page.get_by_role("button", name="Download CSV with indicators").click()
        table = pd.read_csv(download.value.path())
        assert download.value.suggested_filename == "mine_1h.csv"
        assert len(table) == 120
        assert list(table.columns) == [*OHLCV_COLUMNS, "ema_10", "ema_21", "ema_50"]
        assert table["close"].iloc[-1] == pytest.approx(ohlcv_frame(120, seed=3)["close"].iloc[-1])

        # The Lightweight Charts engine paints candles at the right times (not 1970).
        page.get_by_text("Lightweight Charts", exact=True).click()
        lwc = wait_for_candles(chart_frame(page))
        assert lwc["bars"] == 120
        assert lwc["first"] == int(pd.Timestamp("2024-01-01", tz="UTC").timestamp())

    assert page.watch.external_requests == []
    assert page.watch.console_errors == []
