"""Issue #11 §1: the chart draws the timeframe the user picked, a window of it, older bars a page
away; coarser bars only when the user picks Auto, which says what it drew."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from app.core import add_emas
from app.streamlit_app.engines import LIGHTWEIGHT_WINDOW_BARS, PLOTLY_WINDOW_BARS
from tests.streamlit.app_views import candle_times, candles, errors, figure, run_app
from tests.streamlit.ohlcv_samples import ohlcv_csv, ohlcv_frame

HOURLY_ROWS = 5_000


@pytest.fixture
def hourly(data_dir):
    """DATA_DIR's default symbol replaced by 5,000 hourly bars (too many for one Plotly chart)."""
    (data_dir / "sample_ohlcv.csv").write_bytes(ohlcv_csv(HOURLY_ROWS, seed=21))
    return ohlcv_frame(HOURLY_ROWS, seed=21)


def spacing_seconds(fig: dict) -> set[float]:
    return set(candle_times(fig).diff().dropna().dt.total_seconds())


def values(array) -> np.ndarray:
    """A Plotly array as sent: a list, or a typed array ``{"dtype", "bdata"}`` (base64)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array, dtype=float)


def ema_values(fig: dict, period: int) -> np.ndarray:
    [trace] = [t for t in fig["data"] if t.get("name") == f"EMA {period}"]
    return values(trace["y"])


def caption_texts(at) -> list[str]:
    return [c.value for c in at.caption]


def test_a_long_hourly_history_is_drawn_hourly_newest_window_first(hourly):
    at = run_app()
    fig = figure(at)
    trace = candles(fig)
    assert len(trace["x"]) == PLOTLY_WINDOW_BARS
    assert spacing_seconds(fig) == {3600.0}  # every candle one hour apart: never 4h
    assert candle_times(fig).iloc[-1] == hourly["time"].iloc[-1].tz_convert(None)
    assert values(trace["close"])[-1] == pytest.approx(hourly["close"].iloc[-1])
    assert "· 1h" in fig["layout"]["title"]["text"]
    assert not at.info  # nothing coarsened, nothing to explain
    assert "Bars 3,001–5,000 of 5,000 at 1h" in " ".join(caption_texts(at))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Bars (1h)"] == "5,000"
    assert not errors(at)


def test_older_and_newer_page_through_hourly_bars_with_warm_emas(hourly):
    at = run_app()
    at.button(key="page_older").click().run()
    fig = figure(at)
    times = candle_times(fig)
    expected = hourly["time"].iloc[1_000:3_000].dt.tz_convert(None).reset_index(drop=True)
    assert times.equals(expected)
    assert spacing_seconds(fig) == {3600.0}
    # Indicators come from the whole history: the window's first EMA 50 is already warm.
    full = add_emas(hourly, (50,))
    assert ema_values(fig, 50)[0] == pytest.approx(full["ema_50"].iloc[1_000], rel=1e-9)
    assert "Bars 1,001–3,000 of 5,000" in " ".join(caption_texts(at))

    at.button(key="page_older").click().run()  # to the oldest bars
    times = candle_times(figure(at))
    assert times.iloc[0] == hourly["time"].iloc[0].tz_convert(None)
    assert len(times) == PLOTLY_WINDOW_BARS
    assert at.button(key="page_older").disabled

    at.button(key="page_newer").click().run()
    times = candle_times(figure(at))
    assert times.iloc[0] == hourly["time"].iloc[2_000].tz_convert(None)
    assert len(times) == PLOTLY_WINDOW_BARS
    at.button(key="page_newer").click().run()  # the rest is less than a window: the newest
    times = candle_times(figure(at))
    assert times.iloc[-1] == hourly["time"].iloc[-1].tz_convert(None)
    assert len(times) == PLOTLY_WINDOW_BARS
    assert at.button(key="page_newer").disabled
    assert at.button(key="page_newest").disabled


def test_another_timeframe_opens_at_its_newest_bars(hourly):
    at = run_app()
    at.button(key="page_older").click().run()
    at.selectbox(key="timeframe").set_value("4h").run()
    fig = figure(at)
    assert len(candles(fig)["x"]) == 1_250  # the whole history fits: every 4h bar
    assert spacing_seconds(fig) == {4 * 3600.0}
    assert any("All 1,250 4h bars" in text for text in caption_texts(at))
    at.selectbox(key="timeframe").set_value("1h").run()
    assert candle_times(figure(at)).iloc[-1] == hourly["time"].iloc[-1].tz_convert(None)


def test_auto_draws_coarser_only_when_picked_and_says_what_it_drew(hourly):
    at = run_app()
    assert at.selectbox(key="timeframe").options[-1] == "Auto (whole history)"
    at.selectbox(key="timeframe").set_value("auto").run()
    fig = figure(at)
    assert spacing_seconds(fig) == {4 * 3600.0}
    assert len(candles(fig)["x"]) == 1_250
    [notice] = at.info
    assert "Auto: drawn at 4h" in notice.value
    assert "5,000 1h bars" in notice.value
    assert "· 4h" in fig["layout"]["title"]["text"]
    assert {m.label for m in at.metric} >= {"Bars (4h)"}


def test_auto_on_a_short_history_draws_the_data_as_it_is(data_dir):
    at = run_app()
    at.selectbox(key="timeframe").set_value("auto").run()
    assert len(candles(figure(at))["x"]) == 300
    [notice] = at.info
    assert "all 300 bars at the data's own 1h" in notice.value


def test_a_long_minute_upload_is_drawn_at_one_minute(data_dir):
    rows = 6_000
    at = run_app()
    at.file_uploader(key="upload").set_value(("big.csv", ohlcv_csv(rows, freq="1min"), "text/csv"))
    at.run()
    assert at.selectbox(key="timeframe").value == "1m"
    fig = figure(at)
    assert len(candles(fig)["x"]) == PLOTLY_WINDOW_BARS
    assert spacing_seconds(fig) == {60.0}
    at.button(key="page_older").click().run()
    assert spacing_seconds(figure(at)) == {60.0}
    assert "Bars 2,001–4,000 of 6,000 at 1m" in " ".join(caption_texts(at))


def test_lightweight_engine_draws_a_larger_window_of_the_same_timeframe(data_dir):
    from tests.streamlit.app_views import lightweight_chart

    rows = LIGHTWEIGHT_WINDOW_BARS + 500
    (data_dir / "long.csv").write_bytes(ohlcv_csv(rows))
    at = run_app()
    at.selectbox(key="symbol").set_value("long").run()
    at.radio(key="engine").set_value("lightweight").run()
    times = lightweight_chart(at)["payload"]["columns"]["time"]
    assert len(times) == LIGHTWEIGHT_WINDOW_BARS
    assert set(np.diff(times)) == {3600}
    at.button(key="page_older").click().run()
    times = lightweight_chart(at)["payload"]["columns"]["time"]
    assert len(times) == LIGHTWEIGHT_WINDOW_BARS
    assert times[0] == int(ohlcv_frame(rows)["time"].iloc[0].timestamp())
