"""The Dash callbacks, called as functions: what each one puts on the page."""

from __future__ import annotations

import pytest
from dash import no_update

from app.charts.plotly_charts import MAX_FIGURE_BARS, PRICE_TRACE
from app.config import get_settings
from app.dash_app import callbacks
from app.dash_app.callbacks import GENERIC_ERROR, receive_upload, render_chart
from app.dash_app.chart_data import SOURCE_CONFIGURED, SOURCE_UPLOAD
from app.dash_app.layout import NATIVE
from app.dash_app.uploads import UploadCache
from tests.dash.conftest import SMALL_BARS
from tests.dash.samples import csv_without_close, ohlcv_csv, ohlcv_parquet, upload_payload

ALL_EMAS = [10, 21, 50, 150]


@pytest.fixture
def uploads() -> UploadCache:
    return UploadCache()


def draw(uploads, *, source=SOURCE_CONFIGURED, symbol="sample_ohlcv", timeframe="1h",
         emas=ALL_EMAS, ref=None):  # fmt: skip
    return render_chart(
        source, symbol, timeframe, emas, ref, uploads=uploads, settings=get_settings()
    )


def trace_names(figure) -> list[str]:
    return [trace.name for trace in figure.data]


def candles(figure):
    return next(trace for trace in figure.data if trace.name == PRICE_TRACE)


def alert_text(alert) -> str:
    assert alert is not None, "no alert shown"
    assert alert.color == "danger"
    return str(alert.children)


def test_default_symbol_is_drawn_with_every_ema_and_a_summary(data_dir, uploads):
    figure, alert, notice, summary = draw(uploads)

    assert alert is None and notice is None
    assert len(candles(figure).x) == SMALL_BARS
    assert trace_names(figure)[2:] == ["EMA 10", "EMA 21", "EMA 50", "EMA 150"]
    assert "sample_ohlcv" in figure.layout.title.text
    assert summary.startswith(f"{SMALL_BARS} bars at 1h")


def test_unticking_an_ema_removes_only_its_line(data_dir, uploads):
    figure, *_ = draw(uploads, emas=[10, 50, 150])

    assert "EMA 21" not in trace_names(figure)
    assert {"EMA 10", "EMA 50", "EMA 150"} <= set(trace_names(figure))


def test_coarser_timeframe_draws_fewer_candles(data_dir, uploads):
    figure, alert, _, summary = draw(uploads, timeframe="4h")

    assert alert is None
    assert len(candles(figure).x) == SMALL_BARS // 4
    assert "bars at 4h" in summary


def test_a_symbol_with_too_many_bars_is_drawn_coarser_with_a_notice(data_dir, uploads):
    figure, alert, notice, summary = draw(uploads, symbol="long")

    assert alert is None
    assert 0 < len(candles(figure).x) <= MAX_FIGURE_BARS
    assert "5,000 1h bars" in str(notice.children) and "4h" in str(notice.children)
    assert summary.startswith("5,000 bars at 1h")  # the summary is of the whole history


def test_unknown_symbol_shows_an_alert_and_an_empty_chart(data_dir, uploads):
    figure, alert, _, _ = draw(uploads, symbol="nope")

    assert "nope" in alert_text(alert)
    assert figure["data"] == []


def test_timeframe_finer_than_the_data_names_the_allowed_ones(data_dir, uploads):
    _, alert, _, _ = draw(uploads, timeframe="5m")

    text = alert_text(alert)
    assert "finer" in text and "1h" in text


def test_good_upload_switches_the_chart_to_the_file(data_dir, uploads):
    payload = upload_payload(ohlcv_csv(120, timeframe="1d"), "mine.csv")

    ref, status, source, timeframe = receive_upload(
        payload, uploads=uploads, settings=get_settings()
    )

    assert (source, timeframe) == (SOURCE_UPLOAD, NATIVE)
    assert "mine.csv: 120 bars at 1d" in str(status.children)
    figure, alert, _, summary = draw(uploads, source=source, timeframe=timeframe, ref=ref)
    assert alert is None
    assert len(candles(figure).x) == 120
    assert summary.startswith("120 bars at 1d")
    assert "mine · 1d" in figure.layout.title.text


def test_parquet_upload_is_drawn(data_dir, uploads):
    payload = upload_payload(ohlcv_parquet(80, timeframe="4h"), "bars.parquet")

    ref, status, source, timeframe = receive_upload(
        payload, uploads=uploads, settings=get_settings()
    )

    assert "bars.parquet: 80 bars at 4h" in str(status.children)
    figure, alert, _, _ = draw(uploads, source=source, timeframe=timeframe, ref=ref)
    assert alert is None
    assert len(candles(figure).x) == 80


def test_bad_upload_shows_the_cores_message_and_keeps_the_chart(data_dir, uploads):
    payload = upload_payload(csv_without_close(), "broken.csv")

    ref, status, source, timeframe = receive_upload(
        payload, uploads=uploads, settings=get_settings()
    )

    assert ref is no_update and source is no_update and timeframe is no_update
    text = alert_text(status)
    assert "close" in text.lower()


def test_file_the_browser_refused_as_too_large_gets_the_limit(data_dir, uploads, monkeypatch):
    monkeypatch.setenv("UPLOAD_MAX_MB", "1")
    payload = {"filename": "huge.csv", "size": 3 * 2**20}  # no contents: over the limit

    ref, status, _, _ = receive_upload(payload, uploads=uploads, settings=get_settings())

    assert ref is no_update
    text = alert_text(status)
    assert "huge.csv" in text and "3.0 MB" in text and "1.0 MB" in text


def test_upload_over_the_limit_is_refused_by_the_server_too(data_dir, uploads, monkeypatch):
    monkeypatch.setenv("UPLOAD_MAX_MB", "0.001")
    payload = upload_payload(ohlcv_csv(200), "big.csv")

    _, status, _, _ = receive_upload(payload, uploads=uploads, settings=get_settings())

    assert "UPLOAD_MAX_MB" in alert_text(status)


def test_upload_no_longer_held_asks_for_it_again(data_dir, uploads):
    payload = upload_payload(ohlcv_csv(50), "mine.csv")
    ref, *_ = receive_upload(payload, uploads=uploads, settings=get_settings())

    _, alert, _, _ = draw(UploadCache(), source=SOURCE_UPLOAD, timeframe=NATIVE, ref=ref)

    assert "upload it again" in alert_text(alert)


def test_upload_source_without_a_file_says_what_to_do(data_dir, uploads):
    _, alert, _, _ = draw(uploads, source=SOURCE_UPLOAD, timeframe=NATIVE)
    assert "upload" in alert_text(alert).lower()


def test_unexpected_error_shows_a_generic_alert_without_details(data_dir, uploads, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(callbacks, "build_plotly_figure", broken)

    _, alert, _, _ = draw(uploads)

    assert alert_text(alert) == GENERIC_ERROR
