"""Every accepted CSV/Parquet shape becomes the same canonical frame; every rejected one says
what, where and what is accepted."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.core import (
    DataError,
    UploadTooLargeError,
    build_view,
    read_ohlcv_bytes,
    read_ohlcv_file,
)
from app.core.frame import frame_notices

EXPECTED_TIMES = pd.to_datetime(["2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z"]).as_unit("ns")
BODY = [
    ("2024-01-01T00:00:00Z", "10", "12", "9", "11", "100"),
    ("2024-01-01T01:00:00Z", "11", "13", "10", "12.5", "200"),
]


def write(tmp_path: Path, text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def csv_text(header: str, rows=BODY, sep: str = ",") -> str:
    return header + "\n" + "\n".join(sep.join(r) for r in rows) + "\n"


def assert_canonical(frame: pd.DataFrame, times=EXPECTED_TIMES, volume=(100.0, 200.0)) -> None:
    assert list(frame.columns) == ["time", "open", "high", "low", "close", "volume"]
    assert str(frame["time"].dtype) == "datetime64[ns, UTC]"
    assert all(frame[c].dtype == np.float64 for c in ("open", "high", "low", "close", "volume"))
    assert isinstance(frame.index, pd.RangeIndex)
    assert frame["time"].tolist() == list(times)
    assert frame["open"].tolist() == [10.0, 11.0]
    assert frame["close"].tolist() == [11.0, 12.5]
    assert frame["volume"].tolist() == list(volume)


# -- accepted -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "time,open,high,low,close,volume",
        "Time,Open,High,Low,Close,Volume",
        " time , open,HIGH, Low ,  close,Volume ",
        "date,open,high,low,close,volume",
        "Datetime,open,high,low,close,volume",
        "timestamp,open,high,low,close,volume",
        ",open,high,low,close,volume",
        '"time","open","high","low","close","volume"',
    ],
)
def test_header_spellings(tmp_path, header):
    assert_canonical(read_ohlcv_file(write(tmp_path, csv_text(header))))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z"),
        ("2024-01-01T00:00:00+00:00", "2024-01-01T03:00:00+02:00"),  # offsets converted to UTC
        ("2024-01-01 00:00:00", "2024-01-01 01:00:00"),  # no offset: UTC
        ("2024-01-01T00:00", "2024-01-01T01:00"),
        ("1704067200", "1704070800"),  # epoch seconds
        ("1704067200000", "1704070800000"),  # epoch milliseconds
        ("2024-01-01T00:00:00.000Z", "2024-01-01T01:00:00.000Z"),
        (" 2024-01-01T00:00:00Z", " 2024-01-01T01:00:00Z"),  # stray spaces
        ("2024-01-01T00:00:00Z", "2024-01-01T03:00:00+02:00"),  # mixed forms in one column
    ],
)
def test_time_formats(tmp_path, first, second):
    rows = [(first, *BODY[0][1:]), (second, *BODY[1][1:])]
    assert_canonical(
        read_ohlcv_file(write(tmp_path, csv_text("time,open,high,low,close,volume", rows)))
    )


def test_date_only_strings(tmp_path):
    rows = [("2024-01-01", *BODY[0][1:]), ("2024-01-02", *BODY[1][1:])]
    frame = read_ohlcv_file(write(tmp_path, csv_text("date,open,high,low,close,volume", rows)))
    assert_canonical(frame, times=pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True))


@pytest.mark.parametrize("sep", [";", "\t"])
def test_semicolon_and_tab_delimiters(tmp_path, sep):
    text = csv_text(sep.join(["time", "open", "high", "low", "close", "volume"]), sep=sep)
    assert_canonical(read_ohlcv_file(write(tmp_path, text)))


def test_semicolon_with_decimal_commas(tmp_path):
    rows = [
        ("2024-01-01T00:00:00Z", "10", "12", "9", "11", "100"),
        ("2024-01-01T01:00:00Z", "11", "13", "10", "12,5", "200"),
    ]
    text = csv_text("time;open;high;low;close;volume", rows, sep=";")
    assert_canonical(read_ohlcv_file(write(tmp_path, text)))


def test_semicolon_file_with_a_bad_value_names_it(tmp_path):
    rows = [
        ("2024-01-01T00:00:00Z", "10", "12", "9", "11", "100"),
        ("2024-01-01T01:00:00Z", "11", "13", "10", "12,5", "2OO"),
    ]
    text = csv_text("time;open;high;low;close;Volume", rows, sep=";")
    message = r"column 'Volume' has values that are not numbers in row 2 \('2OO'\)"
    with pytest.raises(DataError, match=message):
        read_ohlcv_file(write(tmp_path, text))


def test_extra_columns_ignored_and_missing_volume_is_zero(tmp_path):
    rows = [(r[0], "x", *r[1:5], "note") for r in BODY]
    text = csv_text("time,symbol,open,high,low,close,comment", rows)
    assert_canonical(read_ohlcv_file(write(tmp_path, text)), volume=(0.0, 0.0))


def test_bom_and_crlf(tmp_path):
    text = "\ufeff" + csv_text("time,open,high,low,close,volume").replace("\n", "\r\n")
    assert_canonical(read_ohlcv_file(write(tmp_path, text)))


def test_empty_volume_cells_are_zero(tmp_path):
    rows = [(*BODY[0][:5], ""), BODY[1]]
    frame = read_ohlcv_file(write(tmp_path, csv_text("time,open,high,low,close,volume", rows)))
    assert frame["volume"].tolist() == [0.0, 200.0]


def test_unsorted_rows_are_sorted_and_the_view_says_so(tmp_path, caplog):
    text = csv_text("time,open,high,low,close,volume", list(reversed(BODY)))
    with caplog.at_level(logging.WARNING):
        frame = read_ohlcv_file(write(tmp_path, text))
    assert_canonical(frame)
    expected = "data.csv: rows were not in time order (first out of order: row 2); sorted them"
    assert expected in caplog.text
    view = build_view(frame, symbol="data", emas=[2])
    assert len(view.notices) == 1 and view.notices[0].startswith(expected)


def test_sorted_rows_carry_no_notice(tmp_path):
    frame = read_ohlcv_file(write(tmp_path, csv_text("time,open,high,low,close,volume", BODY)))
    assert build_view(frame, symbol="data").notices == ()


def test_pandas_index_column_is_ignored_for_the_time_column(tmp_path):
    rows = [(str(i), *r) for i, r in enumerate(BODY)]
    assert_canonical(
        read_ohlcv_file(write(tmp_path, csv_text(",time,open,high,low,close,volume", rows)))
    )


@pytest.mark.parametrize(
    "times",
    [
        pd.to_datetime(["2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z"]),  # tz-aware, us
        pd.to_datetime(["2024-01-01T00:00:00", "2024-01-01T01:00:00"]),  # naive -> UTC
        pd.to_datetime(["2024-01-01T02:00:00+02:00", "2024-01-01T03:00:00+02:00"]),
        np.array([1704067200000, 1704070800000]),  # epoch ms
        np.array(["2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z"]),  # strings
    ],
    ids=["utc", "naive", "offset", "epoch-ms", "strings"],
)
def test_parquet(tmp_path, times):
    frame = pd.DataFrame(
        {
            "Time": times,
            "Open": [10, 11],
            "High": [12, 13],
            "Low": [9, 10],
            "Close": [11, 12.5],
            "Volume": [100, 200],
            "other": ["a", "b"],
        }
    )
    path = tmp_path / "data.parquet"
    frame.to_parquet(path, index=False)
    assert_canonical(read_ohlcv_file(path))


def test_parquet_with_time_index(tmp_path):
    frame = pd.DataFrame(
        {
            "open": [10, 11],
            "high": [12, 13],
            "low": [9, 10],
            "close": [11, 12.5],
            "volume": [100, 200],
        },
        index=pd.DatetimeIndex(EXPECTED_TIMES, name="time"),
    )
    path = tmp_path / "data.parquet"
    frame.to_parquet(path)
    assert_canonical(read_ohlcv_file(path))


def test_uploaded_bytes_csv_and_parquet(tmp_path):
    text = csv_text("time,open,high,low,close,volume")
    assert_canonical(read_ohlcv_bytes(text.encode(), "mine.csv"))
    path = tmp_path / "x.parquet"
    read_ohlcv_bytes(text.encode(), "mine.csv").to_parquet(path)
    assert_canonical(read_ohlcv_bytes(path.read_bytes(), "misnamed.csv"))  # detected by its bytes


def test_upload_size_limit():
    data = csv_text("time,open,high,low,close,volume").encode() * 20
    with pytest.raises(
        UploadTooLargeError,
        match=r"big\.csv: the file is 0\.0 MB; the limit is 0\.0 MB \(UPLOAD_MAX_MB\)",
    ):
        read_ohlcv_bytes(data, "big.csv", max_bytes=len(data) - 1)
    assert len(read_ohlcv_bytes(data[: len(data) // 20], "ok.csv", max_bytes=len(data))) == 2


def test_upload_of_another_file_type():
    with pytest.raises(DataError, match=r"prices\.xlsx: unsupported file type '\.xlsx'; accepted"):
        read_ohlcv_bytes(b"PK\x03\x04 zip bytes", "prices.xlsx")
    assert len(read_ohlcv_bytes(csv_text(HEADER).encode(), "no_suffix")) == 2


def test_upload_name_never_used_as_a_path():
    rows = [r[:5] for r in BODY]
    frame = read_ohlcv_bytes(
        csv_text("time,open,high,low,close", rows).encode(), "../../etc/passwd"
    )
    assert len(frame) == 2
    with pytest.raises(DataError, match=r"^passwd: missing columns"):
        read_ohlcv_bytes(b"a,b\n1,2\n", "../../etc/passwd")


# -- rejected ------------------------------------------------------------------------------------

HEADER = "time,open,high,low,close,volume"


def rows_with(index: int, **changes: str):
    names = HEADER.split(",")
    rows = [list(r) for r in BODY] + [["2024-01-01T02:00:00Z", "12", "14", "11", "13", "300"]]
    for column, value in changes.items():
        rows[index][names.index(column)] = value
    return [tuple(r) for r in rows]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            csv_text("time,open,high,low,volume"),
            r"data\.csv: missing column close\. Found columns: 'time', 'open', 'high', 'low', "
            r"'volume'\. Expected a time column \(time, date, datetime or timestamp",
        ),
        (
            csv_text("when,open,high,low,close,volume"),
            r"missing column time\. Found columns: 'when'",
        ),
        (
            csv_text("time,open,high,low,close,Close"),
            r"columns 'close', 'Close' all read as 'close'; keep only one of them",
        ),
        (
            csv_text(HEADER, rows_with(1, close="abc")),
            r"column 'close' has values that are not numbers in row 2 \('abc'\)\. Prices and "
            r"volume must be plain numbers",
        ),
        (
            csv_text(HEADER, rows_with(2, time="yesterday")),
            r"time column 'time' has values that are not dates or times in row 3 \('yesterday'\)"
            r"\. Accepted: ISO 8601 date-times",
        ),
        (
            csv_text(HEADER, rows_with(1, time="")),
            r"time column 'time' is empty in row 2\. Every bar needs a time",
        ),
        (
            csv_text(HEADER, rows_with(0, open="")),
            r"column 'open' is empty or not a finite number in row 1 \(2024-01-01 00:00 UTC\)",
        ),
        (
            csv_text(HEADER, rows_with(1, high="10.5")),
            r"'high' is below open or close in row 2 \(2024-01-01 01:00 UTC\)\. High must be the "
            "bar's highest price",
        ),
        (
            csv_text(HEADER, rows_with(2, low="13.5")),
            r"'low' is above open or close in row 3 \(2024-01-01 02:00 UTC\)\. Low must be the "
            "bar's lowest price",
        ),
        (
            csv_text(HEADER, rows_with(0, volume="-5")),
            r"column 'volume' is negative in row 1 \(2024-01-01 00:00 UTC\)\. Volume must be "
            "zero or more",
        ),
        (
            csv_text(HEADER, rows_with(2, time="2024-01-01T00:00:00Z")),
            r"duplicate timestamps: 2024-01-01 00:00 UTC \(rows 1, 3\)\. Each bar needs its own "
            "time",
        ),
        ("", r"data\.csv: the file is empty; expected a header row and data rows"),
        (HEADER + "\n", r"data\.csv: no data rows; a chart needs at least one bar"),
        (
            csv_text("2024-01-01T00:00:00Z,9,12,9,11,100"),
            r"the first line holds data, not column names; add a header row such as "
            r"time,open,high,low,close,volume",
        ),
        (
            csv_text("time,open,high,low,close"),
            r"data\.csv: the data rows have more fields than the header has names",
        ),
        (
            csv_text(HEADER) + "2024-01-01T02:00:00Z,1,2,0.5,1,5,extra\n",
            r"data\.csv: not a well-formed CSV: Expected 6 fields in line 4, saw 7",
        ),
        (
            csv_text(HEADER, [(str(i), "1", "2", "0.5", "1.5", "1") for i in (1, 2)]),
            r"holds numbers up to 2, too small to be epoch seconds or milliseconds",
        ),
    ],
    ids=[
        "missing-close",
        "no-time-column",
        "ambiguous",
        "non-numeric",
        "bad-time",
        "empty-time",
        "empty-price",
        "high-below",
        "low-above",
        "negative-volume",
        "duplicates",
        "empty-file",
        "header-only",
        "no-header",
        "more-fields-than-header",
        "ragged",
        "row-numbers-as-time",
    ],
)
def test_rejected_csv(tmp_path, text, message):
    with pytest.raises(DataError, match=message):
        read_ohlcv_file(write(tmp_path, text))


def test_many_bad_rows_are_summarised(tmp_path):
    rows = [(f"2024-01-01T{h:02d}:00:00Z", "10", "9", "8", "9.5", "1") for h in range(12)]
    with pytest.raises(DataError) as err:
        read_ohlcv_file(write(tmp_path, csv_text(HEADER, rows)))
    assert "rows 1, 2, 3, 4, 5 and 7 more (2024-01-01 00:00 UTC, 2024-01-01 01:00 UTC," in str(
        err.value
    )


def test_not_utf8(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(csv_text(HEADER).encode() + b"\xff\xfe\x00garbage\n" * 3)
    with pytest.raises(DataError, match=r"data\.csv: (not UTF-8 text|not a well-formed CSV)"):
        read_ohlcv_file(path)


def test_unsupported_file_type_and_missing_file(tmp_path):
    with pytest.raises(
        DataError, match=r"data\.xlsx: unsupported file type '\.xlsx'; accepted: \.csv, \.parquet"
    ):
        read_ohlcv_file(write(tmp_path, "x", name="data.xlsx"))
    with pytest.raises(DataError, match=r"gone\.csv: file not found"):
        read_ohlcv_file(tmp_path / "gone.csv")


def test_garbage_parquet(tmp_path):
    with pytest.raises(DataError, match=r"data\.parquet: not a readable Parquet file"):
        read_ohlcv_file(write(tmp_path, "time,open\n1,2\n", name="data.parquet"))


# -- large files: the quick check runs block by block; a fault at any row is still found ------

LARGE_ROWS = 200_003  # several blocks of the quick check, the last one partial
LARGE_START = pd.Timestamp("2024-01-01", tz="UTC")


def large_parquet(tmp_path: Path, change=None) -> Path:
    """``LARGE_ROWS`` clean 1-minute bars, ``change(columns)`` applied before writing."""
    rows = np.arange(LARGE_ROWS)
    prices = 100.0 + (rows % 50)
    columns = {
        "time": (LARGE_START + pd.to_timedelta(rows, unit="min")).to_numpy(),
        "open": prices,
        "high": prices + 1,
        "low": prices - 1,
        "close": prices + 0.5,
        "volume": np.full(LARGE_ROWS, 10.0),
    }
    if change is not None:
        change(columns)
    path = tmp_path / "large.parquet"
    pd.DataFrame(columns).to_parquet(path, index=False)
    return path


def test_large_clean_parquet_is_read_whole(tmp_path):
    frame = read_ohlcv_file(large_parquet(tmp_path))
    assert len(frame) == LARGE_ROWS
    assert str(frame["time"].dtype) == "datetime64[ns, UTC]"
    assert frame["time"].iloc[-1] == LARGE_START + pd.Timedelta(minutes=LARGE_ROWS - 1)
    assert frame["high"].iloc[65_536] == 100.0 + 65_536 % 50 + 1


def _repeat_time(columns, row):
    columns["time"][row] = columns["time"][row - 1]


def _set(column, row, value):
    def change(columns):
        columns[column][row] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (  # the first row of the second block repeats the last of the first
            lambda c: _repeat_time(c, 65_536),
            "large.parquet: duplicate timestamps: 2024-02-15 12:15 UTC (rows 65536, 65537).",
        ),
        (
            _set("high", LARGE_ROWS - 1, 1.0),
            "large.parquet: 'high' is below open or close in row 200003 (2024-05-18 21:22 UTC).",
        ),
        (
            _set("low", 131_072, np.inf),
            "large.parquet: column 'low' is empty or not a finite number in row 131073",
        ),
        (
            _set("volume", 65_535, -1.0),
            "large.parquet: column 'volume' is negative in row 65536 (2024-02-15 12:15 UTC).",
        ),
    ],
    ids=["duplicate-at-block-edge", "high-in-last-row", "infinite-low", "negative-volume"],
)
def test_large_parquet_faults_are_found_wherever_they_are(tmp_path, change, message):
    with pytest.raises(DataError) as err:
        read_ohlcv_file(large_parquet(tmp_path, change))
    assert message in str(err.value)


def test_large_parquet_out_of_order_at_a_block_edge_is_sorted(tmp_path):
    def swap(columns):
        times = columns["time"]
        times[65_535], times[65_536] = times[65_536], times[65_535]

    frame = read_ohlcv_file(large_parquet(tmp_path, swap))
    assert frame["time"].is_monotonic_increasing
    assert "first out of order: row 65537" in frame_notices(frame)[0]
