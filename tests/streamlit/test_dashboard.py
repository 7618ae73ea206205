"""The dashboard's logic through Streamlit's AppTest: what a user would see after each click."""

from __future__ import annotations

import io
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from app.core import DataError, read_ohlcv_bytes
from app.streamlit_app.alerts import UNEXPECTED_MESSAGE
from tests.streamlit.app_views import (
    APP_SCRIPT,
    candles,
    errors,
    figure,
    lightweight_chart,
    plotly_charts,
    run_app,
    shown_ema_names,
)
from tests.streamlit.ohlcv_samples import ohlcv_csv, ohlcv_frame

pytestmark = pytest.mark.usefixtures("data_dir")


def test_default_symbol_draws_its_candles_with_every_ema():
    at = run_app()
    fig = figure(at)
    assert len(candles(fig)["x"]) == 300
    assert shown_ema_names(fig) == {"EMA 10", "EMA 21", "EMA 50", "EMA 150"}
    assert not errors(at)


def test_unchecking_an_ema_removes_its_line_and_checking_brings_it_back():
    at = run_app()
    at.checkbox(key="ema_21").uncheck().run()
    assert shown_ema_names(figure(at)) == {"EMA 10", "EMA 50", "EMA 150"}
    at.checkbox(key="ema_21").check().run()
    assert "EMA 21" in shown_ema_names(figure(at))


def test_summary_shows_bars_and_last_close():
    at = run_app()
    frame = ohlcv_frame(300)
    metrics = {m.label: m for m in at.metric}
    assert metrics["Bars (1h)"].value == "300"
    last, previous = frame["close"].iloc[-1], frame["close"].iloc[-2]
    assert float(metrics["Last close"].value.replace(",", "")) == pytest.approx(last, abs=0.006)
    delta = float(metrics["Last close"].delta.split()[0].replace(",", ""))
    assert delta == pytest.approx(last - previous, abs=0.006)


def test_coarser_timeframe_redraws_fewer_candles():
    at = run_app()
    assert "15m" not in at.selectbox(key="timeframe").options  # finer than the data: not offered
    at.selectbox(key="timeframe").set_value("4h").run()
    assert len(candles(figure(at))["x"]) == 75
    assert at.metric[0].label == "Bars (4h)"


def test_uploading_a_good_csv_draws_it_without_another_click():
    at = run_app()
    at.file_uploader(key="upload").set_value(("mine.csv", ohlcv_csv(120, seed=3), "text/csv"))
    at.run()
    assert at.radio(key="source").value == "upload"
    fig = figure(at)
    assert len(candles(fig)["x"]) == 120
    assert "mine.csv" in json.dumps(fig["layout"].get("title", ""))
    assert not errors(at)


def test_uploading_a_parquet_file_draws_it():
    at = run_app()
    buffer = io.BytesIO()
    ohlcv_frame(90, freq="1D").to_parquet(buffer)
    at.file_uploader(key="upload").set_value(
        ("daily.parquet", buffer.getvalue(), "application/octet-stream")
    )
    at.run()
    assert len(candles(figure(at))["x"]) == 90
    assert at.selectbox(key="timeframe").value == "1d"  # the file's own timeframe


PARQUET = "application/octet-stream"


def parquet_bytes(frame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


def test_each_upload_is_drawn_at_its_own_timeframe_not_the_previous_files():
    at = run_app()
    daily = parquet_bytes(ohlcv_frame(90, freq="1D"))
    at.file_uploader(key="upload").set_value(("good_daily.parquet", daily, PARQUET)).run()
    assert at.selectbox(key="timeframe").value == "1d"
    hourly = parquet_bytes(ohlcv_frame(120, seed=5))
    at.file_uploader(key="upload").set_value(("good.parquet", hourly, PARQUET)).run()
    fig = figure(at)
    assert len(candles(fig)["x"]) == 120
    assert at.selectbox(key="timeframe").value == "1h"
    assert "good.parquet · 1h" in fig["layout"]["title"]["text"]


def test_a_minute_upload_opens_at_one_minute_not_the_default_timeframe():
    at = run_app()
    assert at.selectbox(key="timeframe").value == "1h"  # DEFAULT_TIMEFRAME for DATA_DIR
    at.file_uploader(key="upload").set_value(("m.csv", ohlcv_csv(200, freq="1min"), "text/csv"))
    at.run()
    assert at.selectbox(key="timeframe").value == "1m"
    assert len(candles(figure(at))["x"]) == 200


def test_removing_the_upload_goes_back_to_the_files_at_the_default_timeframe():
    at = run_app()
    at.file_uploader(key="upload").set_value(("d.csv", ohlcv_csv(60, freq="1D"), "text/csv")).run()
    assert at.selectbox(key="timeframe").value == "1d"
    at.file_uploader(key="upload").set_value(None).run()
    assert at.radio(key="source").value == "csv"
    assert at.selectbox(key="timeframe").value == "1h"
    assert len(candles(figure(at))["x"]) == 300


def test_switching_source_with_the_upload_attached_draws_each_dataset_at_its_own_default():
    at = run_app()
    at.file_uploader(key="upload").set_value(("d.csv", ohlcv_csv(60, freq="1D"), "text/csv")).run()
    assert at.selectbox(key="timeframe").value == "1d"

    at.radio(key="source").set_value("csv").run()  # the file stays attached
    assert at.selectbox(key="timeframe").value == "1h"  # DEFAULT_TIMEFRAME, not the file's 1d
    fig = figure(at)
    assert len(candles(fig)["x"]) == 300
    assert "sample_ohlcv · 1h" in fig["layout"]["title"]["text"]

    at.radio(key="source").set_value("upload").run()
    assert at.selectbox(key="timeframe").value == "1d"
    assert len(candles(figure(at))["x"]) == 60


def test_switching_symbol_draws_each_at_its_default_not_the_previous_ones(data_dir):
    (data_dir / "daily.csv").write_bytes(ohlcv_csv(40, freq="1D"))
    at = run_app()
    at.selectbox(key="symbol").set_value("daily").run()
    assert at.selectbox(key="timeframe").value == "1d"  # the default 1h is finer than the data
    assert len(candles(figure(at))["x"]) == 40

    at.selectbox(key="symbol").set_value("sample_ohlcv").run()
    assert at.selectbox(key="timeframe").value == "1h"
    assert len(candles(figure(at))["x"]) == 300


def test_a_timeframe_the_user_picked_follows_them_to_another_symbol_where_allowed(data_dir):
    (data_dir / "other.csv").write_bytes(ohlcv_csv(200))
    (data_dir / "daily.csv").write_bytes(ohlcv_csv(40, freq="1D"))
    at = run_app()
    at.selectbox(key="timeframe").set_value("4h").run()
    at.selectbox(key="symbol").set_value("other").run()
    assert at.selectbox(key="timeframe").value == "4h"
    assert len(candles(figure(at))["x"]) == 50

    at.selectbox(key="symbol").set_value("daily").run()  # 4h is finer than daily data
    assert at.selectbox(key="timeframe").value == "1d"
    at.selectbox(key="symbol").set_value("sample_ohlcv").run()  # 1d was only daily's default
    assert at.selectbox(key="timeframe").value == "1h"


def test_a_timeframe_chosen_for_the_data_stays_while_the_data_does():
    at = run_app()
    at.selectbox(key="timeframe").set_value("4h").run()
    at.checkbox(key="ema_21").uncheck().run()
    assert at.selectbox(key="timeframe").value == "4h"
    assert len(candles(figure(at))["x"]) == 75


BROKEN_CSV = (
    b"time,open,high,low,close\n2024-01-01 00:00,1,2,0.5,1.5\n2024-01-01 01:00,1,oops,0.5,1.5\n"
)


def test_uploading_a_broken_csv_shows_the_core_message_and_the_app_keeps_working():
    with pytest.raises(DataError) as raised:
        read_ohlcv_bytes(BROKEN_CSV, "broken.csv")
    at = run_app()
    at.file_uploader(key="upload").set_value(("broken.csv", BROKEN_CSV, "text/csv"))
    at.run()
    assert not at.exception
    assert errors(at) == [str(raised.value)]
    assert not plotly_charts(at)
    # The rest of the app still works: back to the files in DATA_DIR.
    at.radio(key="source").set_value("csv").run()
    assert len(candles(figure(at))["x"]) == 300
    assert not errors(at)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.csv", b""),
        ("binary.csv", bytes(range(256)) * 8),
        ("not_really.parquet", b"time,open,high,low,close\n"),
    ],
)
def test_unreadable_uploads_show_the_core_message(name, content):
    with pytest.raises(DataError) as raised:
        read_ohlcv_bytes(content, name)
    at = run_app()
    at.file_uploader(key="upload").set_value((name, content, "application/octet-stream")).run()
    assert not at.exception
    assert errors(at) == [str(raised.value)]


def test_a_single_bar_file_is_drawn_or_refused_clearly():
    at = run_app()
    at.file_uploader(key="upload").set_value(("one.csv", ohlcv_csv(1), "text/csv")).run()
    assert not at.exception
    if errors(at):  # the core may refuse to guess a timeframe from one bar: fine, if it says so
        return
    assert len(candles(figure(at))["x"]) == 1
    assert not at.metric[-1].delta  # no previous close to compare with


def test_an_upload_over_the_limit_is_refused_with_the_limit_named(monkeypatch):
    monkeypatch.setenv("UPLOAD_MAX_MB", "0.001")  # 1,048 bytes
    at = run_app()
    at.file_uploader(key="upload").set_value(("big.csv", ohlcv_csv(200), "text/csv"))
    at.run()
    [message] = errors(at)
    assert re.search(r"\b(MB|bytes|large)\b", message), message


def test_upload_source_without_a_file_asks_for_one():
    at = run_app()
    at.radio(key="source").set_value("upload").run()
    assert any("Upload a CSV" in i.value for i in at.info)
    assert not plotly_charts(at)


def test_empty_data_dir_invites_an_upload(data_dir):
    (data_dir / "sample_ohlcv.csv").unlink()
    at = run_app()
    assert any("No CSV or Parquet files" in i.value for i in at.info)
    assert at.file_uploader(key="upload")  # still there to use


def test_invalid_settings_are_shown_not_crashed(monkeypatch):
    monkeypatch.setenv("EMA_PERIODS", "10,1")
    at = AppTest.from_file(APP_SCRIPT, default_timeout=60).run()
    assert not at.exception
    [message] = errors(at)
    assert "EMA_PERIODS" in message


def test_lightweight_engine_draws_candles_at_the_right_times():
    at = run_app()
    at.radio(key="engine").set_value("lightweight").run()
    chart = lightweight_chart(at)
    columns = chart["payload"]["columns"]
    frame = ohlcv_frame(300)
    assert len(columns["time"]) == 300
    # Epoch seconds, not 1970.
    assert columns["time"][0] == int(frame["time"].iloc[0].timestamp())
    assert columns["close"][-1] == pytest.approx(frame["close"].iloc[-1])
    assert chart["state"]["shown"] == [10, 21, 50, 150]
    at.checkbox(key="ema_50").uncheck().run()
    assert lightweight_chart(at)["state"]["shown"] == [10, 21, 150]


def test_unexpected_failure_shows_a_plain_message(monkeypatch):
    import app.streamlit_app.chart_panel as chart_panel

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail that must not reach the page")

    monkeypatch.setattr(chart_panel, "build_plotly_figure", broken)
    at = run_app()
    assert errors(at) == [UNEXPECTED_MESSAGE]
    shown = [e.value for e in (*at.error, *at.markdown, *at.info, *at.exception)]
    assert not any("internal detail" in text for text in shown)


NEGATIVE_CLOSES_CSV = (
    b"time,open,high,low,close\n"
    b"2024-01-01 00:00,-20,-19,-21,-20\n"
    b"2024-01-01 01:00,-20,-9,-21,-10\n"
    b"2024-01-01 02:00,-10,-4,-11,-5\n"
)


def test_change_keeps_the_sign_of_the_move_when_prices_are_negative():
    at = run_app()
    at.file_uploader(key="upload").set_value(("spread.csv", NEGATIVE_CLOSES_CSV, "text/csv")).run()
    delta = {m.label: m for m in at.metric}["Last close"].delta
    assert delta.startswith("+5") and delta.endswith("(+50.00%)"), delta


def test_unsorted_upload_is_drawn_and_the_user_is_told_it_was_sorted():
    frame = ohlcv_frame(50)
    shuffled = frame.iloc[[1, 0, *range(2, 50)]].copy()
    shuffled["time"] = shuffled["time"].dt.strftime("%Y-%m-%d %H:%M:%S")
    at = run_app()
    data = shuffled.to_csv(index=False).encode()
    at.file_uploader(key="upload").set_value(("unsorted.csv", data, "text/csv")).run()
    assert len(candles(figure(at))["x"]) == 50
    [warning] = at.warning
    assert "unsorted.csv: rows were not in time order" in warning.value
    assert "sorted them by time" in warning.value
    assert not errors(at)
