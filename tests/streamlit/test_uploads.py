"""Issue #11 §4: uploads that tell the truth, in the sidebar next to the uploader: what is read,
what is drawn, and why a file cannot be."""

from __future__ import annotations

import re

import pytest

from app.core import DataError, read_ohlcv_bytes
from app.streamlit_app.dashboard import UPLOAD_PROBLEM
from tests.streamlit.app_views import candles, figure, plotly_charts, run_app
from tests.streamlit.ohlcv_samples import ohlcv_csv

pytestmark = pytest.mark.usefixtures("data_dir")

BROKEN_CSV = b"time,open,high,low,close\n2024-01-01 00:00,1,2,0.5,1.5\n2024-01-01 01:00,1,x,0,1\n"


def sidebar_texts(at, kind: str) -> list[str]:
    return [element.value for element in getattr(at.sidebar, kind)]


def test_the_uploader_accepts_compressed_csv_zip_and_parquet():
    at = run_app()
    accepted = set(at.file_uploader(key="upload").proto.type)
    assert {".csv", ".csv.gz", ".zip", ".parquet"} <= accepted


def test_the_sidebar_names_the_upload_while_it_is_drawn():
    at = run_app()
    at.file_uploader(key="upload").set_value(("mine.csv", ohlcv_csv(120, seed=3), "text/csv"))
    at.run()
    assert len(candles(figure(at))["x"]) == 120
    [drawn] = [text for text in sidebar_texts(at, "caption") if "mine.csv" in text]
    assert "120 bars at 1h" in drawn
    at.checkbox(key="ema_21").uncheck().run()  # a rerun (cached read) still names it
    assert any("mine.csv" in text for text in sidebar_texts(at, "caption"))


def test_a_bad_upload_says_why_next_to_the_uploader():
    with pytest.raises(DataError) as raised:
        read_ohlcv_bytes(BROKEN_CSV, "broken.csv")
    at = run_app()
    at.file_uploader(key="upload").set_value(("broken.csv", BROKEN_CSV, "text/csv")).run()
    assert sidebar_texts(at, "error") == [str(raised.value)]
    assert [info.value for info in at.main.info] == [UPLOAD_PROBLEM]
    assert not plotly_charts(at)
    at.checkbox(key="ema_21").uncheck().run()  # still said on the next rerun
    assert sidebar_texts(at, "error") == [str(raised.value)]


def test_an_oversize_upload_names_the_limit_next_to_the_uploader(monkeypatch):
    monkeypatch.setenv("UPLOAD_MAX_MB", "0.001")
    at = run_app()
    at.file_uploader(key="upload").set_value(("big.csv", ohlcv_csv(200), "text/csv")).run()
    [message] = sidebar_texts(at, "error")
    assert "big.csv" in message
    assert re.search(r"limit is [\d.]+ MB \(UPLOAD_MAX_MB\)", message), message


def test_gzipped_and_zipped_csv_uploads_are_drawn():
    import gzip
    import io
    import zipfile

    csv = ohlcv_csv(80, seed=4)
    at = run_app()
    at.file_uploader(key="upload").set_value(
        ("bars.csv.gz", gzip.compress(csv), "application/gzip")
    )
    at.run()
    assert len(candles(figure(at))["x"]) == 80
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("inside.csv", ohlcv_csv(70, seed=5))
    at.file_uploader(key="upload").set_value(("bars.zip", buffer.getvalue(), "application/zip"))
    at.run()
    assert len(candles(figure(at))["x"]) == 70
    assert any("bars.zip" in text for text in sidebar_texts(at, "caption"))


def test_an_upload_name_is_shown_as_written_never_as_markdown():
    """#19's class of bug: an upload named like Markdown made an image, a link or LaTeX inside
    the error and the caption."""
    name = "![x](p.png) [here](javascript:alert(1)) $x$.csv"  # a browser sends no "/"
    at = run_app()
    at.file_uploader(key="upload").set_value((name, BROKEN_CSV, "text/csv")).run()
    [message] = sidebar_texts(at, "error")
    assert "!\\[x\\](p.png) \\[here\\](javascript:alert(1)) \\$x\\$.csv" in message
    assert "](" not in message.replace("\\](", "")  # no link or image left to render
    at.file_uploader(key="upload").set_value((name, ohlcv_csv(50, seed=4), "text/csv")).run()
    [drawn] = [text for text in sidebar_texts(at, "caption") if "Drawing" in text]
    assert "**!\\[x\\](p.png) \\[here\\]" in drawn
