"""Issue #14 in the dashboard: the chart redraws on an interval (st.fragment(run_every=...)),
picking up bars appended to the file, and says when it last updated."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg

from tests.streamlit.app_views import candles, figure, run_app
from tests.streamlit.ohlcv_samples import ohlcv_csv, ohlcv_frame
from tests.streamlit.plotly_frame import PLOT
from tests.streamlit.streamlit_server import streamlit_app


def appended_row(frame: pd.DataFrame) -> tuple[pd.Timestamp, bytes]:
    """One more hourly bar after ``frame``'s last one, as a CSV line."""
    time = frame["time"].iloc[-1] + pd.Timedelta(hours=1)
    line = f"{time:%Y-%m-%d %H:%M:%S},100.0,123.45,99.5,123.0,777\n"
    return time, line.encode()


def test_a_rerun_draws_bars_appended_to_the_file_and_says_when(data_dir):
    at = run_app()
    assert len(candles(figure(at))["x"]) == 300
    [updated] = [c.value for c in at.caption if "Last updated" in c.value]
    assert re.search(r"Last updated \d\d:\d\d:\d\d UTC · refreshes every 1 s", updated)
    time, line = appended_row(ohlcv_frame(300))
    with open(data_dir / "sample_ohlcv.csv", "ab") as file:
        file.write(line)
    at.run()
    trace = candles(figure(at))
    assert len(trace["x"]) == 301
    assert pd.Timestamp(trace["customdata"][-1].removesuffix(" UTC")) == time.tz_convert(None)


def test_uploads_do_not_refresh(data_dir):
    at = run_app()
    at.file_uploader(key="upload").set_value(("m.csv", ohlcv_csv(50), "text/csv")).run()
    [updated] = [c.value for c in at.caption if "Last updated" in c.value]
    assert "refreshes" not in updated


@pytest.fixture
def live_folder(tmp_path: Path) -> Path:
    (tmp_path / "live.csv").write_bytes(ohlcv_csv(300))
    return tmp_path


@pytest.fixture
def live_base(live_folder: Path) -> Iterator[str]:
    with streamlit_app(live_folder / "live.csv") as base:
        yield base


LAST_CANDLE = """() => {
    const gd = $plot;
    const trace = gd && gd._fullData && gd._fullData.find(t => t.type === 'candlestick');
    if (!trace) return null;
    const n = trace.x.length;
    return {bars: n, time: String(trace.customdata[n - 1]).replace(' UTC', ''),
            close: trace.close[n - 1]};
}""".replace("$plot", PLOT)


# The two "Volume" paths (rising bars', falling bars'): their points, the newest bar's last.
VOLUME_TAIL = """() => $plot._fullData.filter(t => t.name === 'Volume')
    .map(t => [t.y.length, Array.from(t.y).slice(-2)])""".replace("$plot", PLOT)


def reruns_asked(sent: list[bytes]) -> list[str]:
    """The script runs the page asked the server for, in order: the fragment's id for a
    fragment's run (the chart's timer), "" for a run of the whole script."""
    asked = []
    for payload in sent:
        message = BackMsg()
        message.ParseFromString(payload)
        if message.WhichOneof("type") == "rerun_script":
            asked.append(message.rerun_script.fragment_id)
    return asked


@pytest.mark.browser
@pytest.mark.slow
def test_the_page_draws_a_bar_appended_after_it_opened(page, live_base, live_folder):
    sent: list[bytes] = []
    page.on(
        "websocket",
        lambda ws: ws.on("framesent", lambda p: sent.append(p) if isinstance(p, bytes) else None),
    )
    page.goto(live_base)
    page.wait_for_function(
        f"() => {{ const c = ({LAST_CANDLE})(); return c && c.bars === 300; }}", timeout=90_000
    )
    opened = len(reruns_asked(sent))
    time, line = appended_row(ohlcv_frame(300))
    appended_at = datetime.now(UTC).strftime("%H:%M:%S")  # the caption's resolution is a second
    with open(live_folder / "live.csv", "ab") as file:
        file.write(line)
    page.wait_for_function(
        f"() => {{ const c = ({LAST_CANDLE})(); return c && c.bars === 301; }}", timeout=30_000
    )
    last = page.evaluate(LAST_CANDLE)
    assert pd.Timestamp(last["time"]) == time.tz_convert(None)
    assert last["close"] == pytest.approx(123.0)
    # its volume: a rectangle 777 high in the rising bars' path, none in the falling bars'
    assert page.evaluate(VOLUME_TAIL) == [[2 * 301, [777, 0]], [2 * 301, [0, 0]]]
    # updated since the bar was written (the caption may follow the chart by a moment)
    page.wait_for_function(
        "(t) => { const m = /Last updated (\\d\\d:\\d\\d:\\d\\d) UTC/"
        ".exec(document.body.innerText);"
        " return m && m[1] >= t; }",
        arg=appended_at,
        timeout=10_000,
    )
    # The bar came by the chart's own timer (STREAMLIT_REFRESH_S=1): the page asked only for
    # the chart's fragment to run again, never for the whole script (the sidebar stayed).
    since = reruns_asked(sent)[opened:]
    assert since and all(since), since
    # A tick without a new bar sends the very same chart: it is not drawn again (no remount).
    page.evaluate(f"() => {{ {PLOT}.__seen = true; }}")
    ticks = len(reruns_asked(sent))
    page.wait_for_function(f"() => {PLOT} !== null", timeout=10_000)
    page.wait_for_timeout(100)
    deadline = datetime.now(UTC).timestamp() + 30
    while len(reruns_asked(sent)) < ticks + 3 and datetime.now(UTC).timestamp() < deadline:
        page.wait_for_timeout(200)
    assert len(reruns_asked(sent)) >= ticks + 3  # three more ticks of the chart's timer
    assert page.evaluate(f"() => {PLOT}.__seen === true")
    assert page.watch.console_errors == []
