"""The Dash callbacks, called as functions: what each one puts on the page."""

from __future__ import annotations

import gzip
import io
import zipfile

import numpy as np
import pandas as pd
import pytest
from dash import Patch, no_update

from app.charts.plotly_charts import FIRST_EMA_TRACE, PRICE_TRACE
from app.config import get_settings
from app.dash_app import chart_callbacks
from app.dash_app.alerts import GENERIC_ERROR
from app.dash_app.callbacks import receive_upload, sync_controls
from app.dash_app.chart_callbacks import render_chart
from app.dash_app.chart_data import AUTO, NATIVE, SOURCE_CONFIGURED, SOURCE_UPLOAD
from app.dash_app.layout import NATIVE_LABEL, build_layout
from app.dash_app.uploads import UploadCache
from app.dash_app.window import WINDOW_BARS
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
    """The traces drawn (an unticked EMA's line is there, hidden)."""
    return [trace.name for trace in figure.data if trace.visible is not False]


def candles(figure):
    return next(trace for trace in figure.data if trace.name == PRICE_TRACE)


def alert_text(alert) -> str:
    assert alert is not None, "no alert shown"
    assert alert.color == "danger"
    return str(alert.children)


def test_default_symbol_is_drawn_with_every_ema_and_a_summary(data_dir, uploads):
    figure, alert, notice, summary, _ = draw(uploads)

    assert alert is None and notice is None
    assert len(candles(figure).x) == SMALL_BARS
    assert trace_names(figure)[FIRST_EMA_TRACE:] == ["EMA 10", "EMA 21", "EMA 50", "EMA 150"]
    assert "sample_ohlcv" in figure.layout.title.text
    assert summary.startswith(f"{SMALL_BARS} bars at 1h")


def test_unticking_an_ema_removes_only_its_line(data_dir, uploads):
    figure, *_ = draw(uploads, emas=[10, 50, 150])

    assert "EMA 21" not in trace_names(figure)
    assert {"EMA 10", "EMA 50", "EMA 150"} <= set(trace_names(figure))


def test_coarser_timeframe_draws_fewer_candles(data_dir, uploads):
    figure, alert, _, summary, _ = draw(uploads, timeframe="4h")

    assert alert is None
    assert len(candles(figure).x) == SMALL_BARS // 4
    assert "bars at 4h" in summary


def test_a_symbol_with_too_many_bars_for_one_figure_is_drawn_at_its_timeframe(data_dir, uploads):
    """Regression (#11 §1): 5,000 hourly bars were drawn as 4h. Now the newest window of 1h."""
    figure, alert, notice, summary, drawn = draw(uploads, symbol="long")

    assert alert is None and notice is None
    x = candles(figure).x
    assert len(x) == WINDOW_BARS
    assert set(np.diff(x)) == {1}  # bars side by side
    hours = pd.to_datetime(candles(figure).customdata).to_numpy().astype("datetime64[s]")
    assert set(np.diff(hours).astype(int)) == {3600}
    assert "long · 1h" in figure.layout.title.text
    assert summary.startswith("5,000 bars at 1h · showing 3,001-5,000")
    assert drawn["held"]["more_before"] and not drawn["held"]["more_after"]


def test_auto_draws_the_whole_history_coarser_and_says_which_timeframe(data_dir, uploads):
    figure, alert, notice, summary, _ = draw(uploads, symbol="long", timeframe=AUTO)

    assert alert is None
    [said] = notice
    assert "Auto: drawing 4h bars" in str(said.children) and "5,000 1h bars" in str(said.children)
    assert len(candles(figure).x) == 1250
    assert "long · 4h" in figure.layout.title.text
    assert summary.startswith("1,250 bars at 4h")


def test_unknown_symbol_shows_an_alert_and_an_empty_chart(data_dir, uploads):
    figure, alert, _, _, _ = draw(uploads, symbol="nope")

    assert "nope" in alert_text(alert)
    assert figure["data"] == []


def test_timeframe_finer_than_the_data_names_the_allowed_ones(data_dir, uploads):
    _, alert, _, _, _ = draw(uploads, timeframe="5m")

    text = alert_text(alert)
    assert "finer" in text and "1h" in text


def test_good_upload_switches_the_chart_to_the_file(data_dir, uploads):
    payload = upload_payload(ohlcv_csv(120, timeframe="1d"), "mine.csv")

    ref, status, source = receive_upload(payload, uploads=uploads, settings=get_settings())

    assert source == SOURCE_UPLOAD
    _, timeframe, _, _, _ = sync_controls(source, None, ref, "1h", {}, new_upload=True)
    assert timeframe == NATIVE
    assert "mine.csv: 120 bars at 1d" in str(status.children)
    figure, alert, _, summary, _ = draw(uploads, source=source, timeframe=timeframe, ref=ref)
    assert alert is None
    assert len(candles(figure).x) == 120
    assert summary.startswith("120 bars at 1d")
    assert "mine.csv · 1d" in figure.layout.title.text  # the file's name, as in Streamlit


def test_parquet_upload_is_drawn(data_dir, uploads):
    payload = upload_payload(ohlcv_parquet(80, timeframe="4h"), "bars.parquet")

    ref, status, source = receive_upload(payload, uploads=uploads, settings=get_settings())

    assert "bars.parquet: 80 bars at 4h" in str(status.children)
    figure, alert, _, _, _ = draw(uploads, source=source, timeframe=NATIVE, ref=ref)
    assert alert is None
    assert len(candles(figure).x) == 80


def test_bad_upload_shows_the_cores_message_and_keeps_the_chart(data_dir, uploads):
    payload = upload_payload(csv_without_close(), "broken.csv")

    ref, status, source = receive_upload(payload, uploads=uploads, settings=get_settings())

    assert ref is no_update and source is no_update
    text = alert_text(status)
    assert "close" in text.lower()


def test_file_the_browser_refused_as_too_large_gets_the_limit(data_dir, uploads, monkeypatch):
    monkeypatch.setenv("UPLOAD_MAX_MB", "1")
    payload = {"filename": "huge.csv", "size": 3 * 2**20}  # no contents: over the limit

    ref, status, _ = receive_upload(payload, uploads=uploads, settings=get_settings())

    assert ref is no_update
    text = alert_text(status)
    assert "huge.csv" in text and "3.0 MB" in text and "1.0 MB" in text


def test_upload_over_the_limit_is_refused_by_the_server_too(data_dir, uploads, monkeypatch):
    monkeypatch.setenv("UPLOAD_MAX_MB", "0.001")
    payload = upload_payload(ohlcv_csv(200), "big.csv")

    _, status, _ = receive_upload(payload, uploads=uploads, settings=get_settings())

    assert "UPLOAD_MAX_MB" in alert_text(status)


def test_upload_no_longer_held_asks_for_it_again(data_dir, uploads):
    payload = upload_payload(ohlcv_csv(50), "mine.csv")
    ref, *_ = receive_upload(payload, uploads=uploads, settings=get_settings())

    _, alert, _, _, _ = draw(UploadCache(), source=SOURCE_UPLOAD, timeframe=NATIVE, ref=ref)

    assert "upload it again" in alert_text(alert)


def test_upload_source_without_a_file_says_what_to_do(data_dir, uploads):
    _, alert, _, _, _ = draw(uploads, source=SOURCE_UPLOAD, timeframe=NATIVE)
    assert "upload" in alert_text(alert).lower()


def test_unexpected_error_shows_a_generic_alert_without_details(data_dir, uploads, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(chart_callbacks, "build_plotly_figure", broken)

    _, alert, _, _, _ = draw(uploads)

    assert alert_text(alert) == GENERIC_ERROR


def test_as_recorded_has_a_value_the_browser_can_show_and_draws_the_datas_own_bars(data_dir):
    timeframe = find(build_layout(get_settings()), "timeframe")
    [native] = [o for o in timeframe.options if o["label"] == NATIVE_LABEL]
    # dbc.Select's hidden placeholder option has the value "": ours must differ from it.
    assert native["value"] == NATIVE and NATIVE != ""
    figure, alert, *_ = draw(UploadCache(), timeframe=NATIVE)
    assert alert is None
    assert len(candles(figure).x) == SMALL_BARS
    assert "sample_ohlcv · 1h" in figure.layout.title.text


def offered(options) -> list[str]:
    return [o["value"] for o in options]


def test_only_timeframes_the_data_can_make_are_offered(data_dir, uploads):
    timeframe = find(build_layout(get_settings()), "timeframe")
    assert offered(timeframe.options)[:3] == [NATIVE, "1h", "2h"]  # hourly: nothing finer
    assert offered(timeframe.options)[-1] == AUTO
    assert timeframe.value == "1h"

    ref, _, source = receive_upload(
        upload_payload(ohlcv_csv(30, timeframe="1d"), "daily.csv"),
        uploads=uploads,
        settings=get_settings(),
    )
    options, value, symbol_disabled, symbol_style, name = sync_controls(
        source, "sample_ohlcv", ref, "1h", {"sample_ohlcv": "1h"}, new_upload=True
    )
    assert offered(options)[:3] == [NATIVE, "1d", "3d"] and offered(options)[-1] == AUTO
    assert "1h" not in offered(options)
    assert value == NATIVE
    assert symbol_disabled  # the symbol changes nothing while the upload is shown
    assert symbol_style == {"display": "none"} and name.children == "daily.csv"  # its name shown

    # Back to the data folder: hourly choices again, the symbol select usable.
    options, value, symbol_disabled, symbol_style, name = sync_controls(
        SOURCE_CONFIGURED, "sample_ohlcv", ref, NATIVE, {"sample_ohlcv": "1h"}, new_upload=False
    )
    assert "1h" in offered(options) and "5m" not in offered(options)
    assert value is no_update and not symbol_disabled
    assert symbol_style == {} and name is None


def test_a_choice_the_new_data_cannot_make_falls_back_to_its_own_bars(data_dir):
    timeframes = {"hourly": "1h", "daily": "1d"}
    _, value, *_ = sync_controls(SOURCE_CONFIGURED, "daily", None, "4h", timeframes,
                                 new_upload=False)  # fmt: skip
    assert value == NATIVE
    _, value, *_ = sync_controls(SOURCE_CONFIGURED, "hourly", None, "4h", timeframes,
                                 new_upload=False)  # fmt: skip
    assert value is no_update  # still possible: kept


def find(component, component_id: str):
    """The component with ``component_id`` in a layout tree."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def apply_patch(traces: list, patch) -> list:
    """What the browser's Dash renderer does with a Patch of the figure, for the operations we
    send (Delete and Insert in ``data``); anything else, such as a layout change, fails."""
    traces = list(traces)
    for op in patch.to_plotly_json()["operations"]:
        if op["operation"] == "Delete" and op["location"][0] == "data":
            del traces[op["location"][1]]
        elif op["operation"] == "Insert" and op["location"] == ["data"]:
            traces.insert(op["params"]["index"], op["params"]["value"])
        else:
            raise AssertionError(f"unexpected patch operation {op}")
    return traces


def patch_names(traces: list) -> list[str]:
    return [trace.name for trace in traces]


def is_patch(figure) -> bool:
    return isinstance(figure, Patch)


def test_every_offered_ema_is_a_line_the_unticked_ones_hidden_for_the_browser(data_dir, uploads):
    """The checklist is the browser's (ema_toggle_js): it shows a hidden line by its index."""
    figure, *_, drawn = draw(uploads, emas=[10, 50])

    lines = figure.data[FIRST_EMA_TRACE:]
    assert [t.name for t in lines] == ["EMA 10", "EMA 21", "EMA 50", "EMA 150"]
    assert [t.visible for t in lines] == [None, False, None, False]
    assert drawn["emas"] == ALL_EMAS  # in trace order, from the figure's FIRST_EMA_TRACE on
    hidden = figure.data[FIRST_EMA_TRACE + 1]
    assert hidden.visible is False and len(hidden.y) == SMALL_BARS and hidden.line.color


def test_unsorted_upload_is_drawn_with_a_dismissable_notice(data_dir, uploads):
    rows = ohlcv_csv(40).decode().splitlines()
    unsorted = "\n".join([rows[0], rows[2], rows[1], *rows[3:]]).encode()
    ref, _, source = receive_upload(
        upload_payload(unsorted, "unsorted.csv"), uploads=uploads, settings=get_settings()
    )

    figure, alert, notice, _, _ = draw(uploads, source=source, timeframe=NATIVE, ref=ref)

    assert alert is None
    assert len(candles(figure).x) == 40
    [fixed] = notice
    assert fixed.color == "warning" and fixed.dismissable
    assert "unsorted.csv: rows were not in time order" in fixed.children


def test_change_keeps_the_sign_of_the_move_when_prices_are_negative(data_dir, uploads):
    csv = (
        b"time,open,high,low,close\n"
        b"2024-01-01 00:00,-20,-19,-21,-20\n"
        b"2024-01-01 01:00,-20,-9,-21,-10\n"
        b"2024-01-01 02:00,-10,-4,-11,-5\n"
    )
    ref, _, source = receive_upload(
        upload_payload(csv, "spread.csv"), uploads=uploads, settings=get_settings()
    )
    *_, summary, _ = draw(uploads, source=source, timeframe=NATIVE, ref=ref)
    assert summary.endswith("(+50.00%)"), summary


@pytest.mark.parametrize("packing", ["gz", "zip"])
def test_gzipped_and_zipped_csv_uploads_are_drawn(data_dir, uploads, packing):
    """#11 §4: .csv.gz and .zip (one CSV inside) are accepted like a plain CSV."""
    csv = ohlcv_csv(90)
    if packing == "gz":
        data, name = gzip.compress(csv), "bars.csv.gz"
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("bars.csv", csv)
        data, name = buffer.getvalue(), "bars.zip"

    ref, status, source = receive_upload(upload_payload(data, name), uploads=uploads,
                                         settings=get_settings())  # fmt: skip

    assert f"{name}: 90 bars at 1h" in str(status.children)
    figure, alert, *_ = draw(uploads, source=source, timeframe=NATIVE, ref=ref)
    assert alert is None and len(candles(figure).x) == 90
