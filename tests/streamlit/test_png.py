"""Issue #15 in the dashboard: a PNG of the chart as shown, exported by Kaleido's Chromium."""

from __future__ import annotations

import struct

import pytest

from app.core import build_view
from app.core.analysis import analyse
from app.images import INSTALL_HINT
from app.streamlit_app.overlays import Overlays
from app.streamlit_app.png_download import IMAGE_HEIGHT, IMAGE_WIDTH, PANE_HEIGHT, chart_png
from tests.conftest import CHROMIUM
from tests.streamlit.app_views import run_app
from tests.streamlit.ohlcv_samples import ohlcv_frame


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_without_chromium_the_button_is_off_and_says_what_to_install(data_dir):
    at = run_app()
    [button] = [b for b in at.get("download_button") if b.proto.label == "Download PNG"]
    assert button.proto.disabled
    assert INSTALL_HINT in [c.value for c in at.caption]


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_the_png_is_the_chart_as_shown_with_its_panes():
    frame = ohlcv_frame(300)
    view = build_view(frame, symbol="x", emas=(10, 21), indicators="rsi,macd")
    analysis = analyse(frame, symbol="x", timeframe="1h", lookback=300)
    data = chart_png(
        view,
        title="x · 1h",
        offered_emas=(10, 21),
        visible_emas=(10,),
        analysis=analysis,
        overlays=Overlays(levels=True, spikes=True),
    )
    assert png_size(data) == (IMAGE_WIDTH, IMAGE_HEIGHT + 2 * PANE_HEIGHT)


def test_as_shown_keeps_only_the_visible_emas_and_adds_the_toggled_overlays():
    from app.charts.plotly_charts import build_plotly_figure
    from app.streamlit_app.overlays import as_shown

    frame = ohlcv_frame(300)
    view = build_view(frame, symbol="x", emas=(10, 21))
    analysis = analyse(frame, symbol="x", timeframe="1h", lookback=300)
    figure = build_plotly_figure(view, offered_emas=(10, 21))
    as_shown((10, 21), (10,), analysis, Overlays(levels=True))(figure)
    names = [trace.name for trace in figure.data]
    assert "EMA 10" in names and "EMA 21" not in names
    levels = [s for s in figure.layout.shapes if s.name == "level"]
    assert len(levels) == len(analysis.levels) > 0
