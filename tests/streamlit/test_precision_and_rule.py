"""#20 in the dashboard: an FX pair's metrics, levels and summary at its 5 decimals, and the
analysis numbers the same as the API's and Dash's for the same symbol (one rule: the last 500
bars, said under the panel), though Streamlit draws 2,000 bars."""

from __future__ import annotations

import re

import pytest

from app.config import get_settings
from app.core.analysis import analyse_symbol, analysis_scope
from app.dash_app.callbacks import analysis_of_drawn
from app.dash_app.chart_callbacks import render_chart
from app.dash_app.chart_data import NATIVE, SOURCE_CONFIGURED, load_chart_data
from app.dash_app.uploads import UploadCache
from tests.streamlit.app_views import run_app
from tests.streamlit.ohlcv_samples import ohlcv_frame

BARS = 2600  # more than the 2,000 Streamlit draws and the 500 analysed


@pytest.fixture
def fx(data_dir):
    """The default symbol as a 5-decimal FX pair of 2,600 hourly bars."""
    frame = ohlcv_frame(BARS, seed=21)
    prices = ["open", "high", "low", "close"]
    frame[prices] = (frame[prices] / 100 * 1.08).round(5)
    frame["time"] = frame["time"].dt.strftime("%Y-%m-%d %H:%M:%S")
    (data_dir / "sample_ohlcv.csv").write_bytes(frame.to_csv(index=False).encode())
    return frame


def test_metrics_levels_and_summary_carry_five_decimals(fx):
    at = run_app()
    close = next(m for m in at.metric if m.label == "Last close")
    assert re.fullmatch(r"\d+\.\d{5}", close.value), close.value
    assert re.match(r"[+-]0\.\d{5} \(", close.delta), close.delta
    [panel] = [e for e in at.expander if e.label == "Analysis"]
    captions = " ".join(c.value for c in panel.caption)
    levels = re.findall(r"[SR] (\d[\d,]*\.\d+) ×", captions)
    assert levels and all(re.fullmatch(r"\d+\.\d{5}", p) for p in levels), captions
    summary = panel.markdown[0].value
    assert re.search(r"closed at \d+\.\d{5}\b", summary), summary


def test_streamlit_dash_and_the_api_give_the_same_analysis(fx):
    settings = get_settings()
    _, api = analyse_symbol("sample_ohlcv", settings=settings)  # what /api/analysis serves
    assert api.bars == 500 and api.decimals == 5

    at = run_app()
    [panel] = [e for e in at.expander if e.label == "Analysis"]
    assert panel.markdown[0].value.replace("\\", "") == api.summary
    assert analysis_scope(api) in " ".join(c.value for c in panel.caption)
    assert "Analysis of the last 500 1h bars" in analysis_scope(api)

    uploads = UploadCache()
    drawn = render_chart(SOURCE_CONFIGURED, "sample_ohlcv", NATIVE, [10], None,
                         uploads=uploads, settings=settings).drawn  # fmt: skip
    card = analysis_of_drawn(drawn, SOURCE_CONFIGURED, "sample_ohlcv", NATIVE, None,
                             uploads=uploads, settings=settings)  # fmt: skip
    text = str(card.to_plotly_json())
    assert api.summary in text and analysis_scope(api) in text
    data = load_chart_data(source=SOURCE_CONFIGURED, symbol="sample_ohlcv", timeframe=NATIVE,
                           emas=(), upload=None, uploads=uploads, settings=settings)  # fmt: skip
    line = data.summary
    assert re.search(r"last \d+\.\d{5}\b", line), line


def test_no_select_all_past_the_line_cap_and_no_cut_labels(data_dir):
    at = run_app()
    picker = at.multiselect(key="indicators")
    assert picker.proto.select_all == 0  # no "Select all": it would pass the 12-line cap
    assert any(c.value.startswith("Shown (UTC): ") for c in at.caption)  # whole, not a metric
    assert [t.label for t in at.toggle] == ["Levels", "Volume spikes"]
