"""Issue #11 §2 and §4: files and uploads are limited in bars (MAX_BARS) before decoding; uploads
may be .csv.gz, .zip (one CSV) or Parquet, with the unpacked size bounded too; a header of
repeated names parses in linear time (160 KB took 14 s)."""

from __future__ import annotations

import gzip
import io
import time
import zipfile

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from app.config import load_settings
from app.core import DataError, TooManyBarsError, UploadTooLargeError, read_ohlcv_bytes
from app.core.sources.files import FileSource
from app.core.synthetic import synthetic_ohlcv

MB = 1024 * 1024


def csv_bytes(rows: int) -> bytes:
    frame = synthetic_ohlcv(rows, "1h")
    frame = frame.assign(time=frame["time"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return frame.to_csv(index=False).encode()


def parquet_bytes(rows: int, *, repeated: bool = False) -> bytes:
    """``rows`` bars; ``repeated``: all at one time, so the file stays tiny however many."""
    start = np.datetime64("2000-01-01", "ns")
    steps = np.zeros(rows, "int64") if repeated else np.arange(rows) * 60_000_000_000
    ones = pa.array(np.ones(rows))
    table = pa.table(
        {
            "time": pa.array(start + steps.astype("timedelta64[ns]"), pa.timestamp("ns", "UTC")),
            **{name: ones for name in ("open", "high", "low", "close", "volume")},
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def zipped(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_defaults_are_in_bars_and_a_larger_upload_cap():
    settings = load_settings()
    assert settings.max_bars == 5_000_000
    assert settings.upload_max_mb == 200


def test_a_csv_upload_one_bar_over_the_cap_is_refused_naming_it():
    data = csv_bytes(1001)
    with pytest.raises(TooManyBarsError, match=r"1,001 rows; the limit is 1,000 bars \(MAX_BARS\)"):
        read_ohlcv_bytes(data, "big.csv", max_bars=1000)
    assert len(read_ohlcv_bytes(data, "big.csv", max_bars=1001)) == 1001


def test_max_bars_from_the_settings_applies_when_not_given(monkeypatch):
    monkeypatch.setenv("MAX_BARS", "500")
    with pytest.raises(TooManyBarsError, match="MAX_BARS"):
        read_ohlcv_bytes(csv_bytes(600), "big.csv")


def test_a_parquet_upload_is_refused_from_its_row_count_before_decoding():
    # Before: a 1.4 MB Parquet upload decoded to 50M bars and 5.8-10 GB.
    data = parquet_bytes(2_000_000, repeated=True)
    assert len(data) < 2 * MB  # small on the wire, large once decoded
    started = time.perf_counter()
    with pytest.raises(TooManyBarsError, match=r"2,000,000 rows; the limit is 1,000,000 bars"):
        read_ohlcv_bytes(data, "tiny.parquet", max_bars=1_000_000)
    assert time.perf_counter() - started < 0.5  # the footer only: decoding takes far longer


def test_a_file_in_data_dir_over_the_cap_is_left_out_and_says_why(tmp_path):
    (tmp_path / "big.csv").write_bytes(csv_bytes(300))
    (tmp_path / "small.csv").write_bytes(csv_bytes(100))
    source = FileSource(tmp_path, max_bars=200)
    assert [info.symbol for info in source.list_symbols()] == ["small"]
    with pytest.raises(TooManyBarsError, match=r"big\.csv: 300 rows; the limit is 200 bars"):
        source.load("big")


def test_a_gzipped_csv_upload_reads_as_the_csv():
    data = csv_bytes(50)
    frame = read_ohlcv_bytes(gzip.compress(data), "prices.csv.gz")
    assert frame.equals(read_ohlcv_bytes(data, "prices.csv"))
    assert len(read_ohlcv_bytes(gzip.compress(data), "upload")) == 50  # by its magic bytes


def test_a_gzip_bomb_is_refused_at_the_unpacked_size_cap():
    bomb = gzip.compress(b"time,open,high,low,close\n" + b"0" * (16 * MB), compresslevel=9)
    assert len(bomb) < MB
    started = time.perf_counter()
    with pytest.raises(UploadTooLargeError, match=r"unpacked file is larger than 2\.0 MB"):
        read_ohlcv_bytes(bomb, "bomb.csv.gz", max_bytes=2 * MB)
    assert time.perf_counter() - started < 2


def test_a_zip_with_one_csv_reads_as_the_csv():
    data = csv_bytes(40)
    frame = read_ohlcv_bytes(zipped(**{"export/prices.csv": data, "__MACOSX/._x": b"x"}), "p.zip")
    assert frame.equals(read_ohlcv_bytes(data, "prices.csv"))


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"a.csv": b"x", "b.csv": b"y"}, r"exactly one \.csv file; it holds 'a\.csv', 'b\.csv'"),
        ({"notes.md": b"x"}, r"exactly one \.csv file; it holds 'notes\.md'"),
    ],
)
def test_a_zip_without_exactly_one_csv_says_what_it_holds(members, message):
    with pytest.raises(DataError, match=message):
        read_ohlcv_bytes(zipped(**members), "p.zip")


def test_a_zip_bomb_is_refused_at_the_unpacked_size_cap():
    bomb = zipped(**{"x.csv": b"time,open,high,low,close\n" + b"0" * (16 * MB)})
    assert len(bomb) < MB
    started = time.perf_counter()
    with pytest.raises(UploadTooLargeError, match="UPLOAD_MAX_MB"):
        read_ohlcv_bytes(bomb, "bomb.zip", max_bytes=2 * MB)
    assert time.perf_counter() - started < 2


def test_a_parquet_upload_reads():
    frame = read_ohlcv_bytes(parquet_bytes(100), "p.parquet")
    assert len(frame) == 100
    assert len(read_ohlcv_bytes(parquet_bytes(100), "noname")) == 100  # by its magic bytes


def test_broken_archives_say_so():
    with pytest.raises(DataError, match="not a readable gzip file"):
        read_ohlcv_bytes(b"\x1f\x8b not gzip", "p.csv.gz")
    with pytest.raises(DataError, match="not a readable zip file"):
        read_ohlcv_bytes(b"PK\x03\x04 not a zip", "p.zip")


def repeated_names(count: int) -> bytes:
    """A header of ``count`` repeated names, and a row too short for it: pandas' fallback path
    (Arrow refuses ragged rows), where repeated names were de-duplicated pairwise."""
    header = "time,open,high,low,close," + ",".join(["x"] * count)
    rows = ["2024-01-01,1,2,0.5,1.5" + ",1" * count, "2024-01-02,1,2,0.5,1.5"]
    return (header + "\n" + "\n".join(rows) + "\n").encode()


def best_of_three(data: bytes) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        read_ohlcv_bytes(data, "wide.csv")
        times.append(time.perf_counter() - started)
    return min(times)


def test_repeated_column_names_parse_in_linear_time():
    # Before: 10,000 names (39 KB) took 5.4 s, 20,000 (78 KB) 19 s: quadratic.
    small, large = repeated_names(20_000), repeated_names(40_000)
    assert len(large) > 150_000
    t_small, t_large = best_of_three(small), best_of_three(large)
    assert t_large < 3.0
    assert t_large < 4 * t_small + 0.3  # doubled input: ~2x (quadratic would be 4x)
