"""Where the time is: a pandas index saved in Parquet, or a date column plus a time-of-day
column (MT4, Stooq exports)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from app.core import DataError, read_ohlcv_bytes, read_ohlcv_file

TIMES = pd.to_datetime(["2024-01-02T13:00:00Z", "2024-01-02T14:00:00Z"]).as_unit("ns")
PRICES = {"Open": [1.0, 1.5], "High": [2.0, 2.5], "Low": [0.5, 1.0], "Close": [1.5, 2.0]}


def assert_times(frame: pd.DataFrame, times=TIMES) -> None:
    assert frame["time"].tolist() == list(times)
    assert frame["close"].tolist() == [1.5, 2.0]


@pytest.mark.parametrize("index_name", [None, "time", "Date", "dt"], ids=str)
@pytest.mark.parametrize("tz", [None, "UTC"], ids=["naive", "utc"])
def test_parquet_saved_with_a_datetime_index(tmp_path: Path, index_name, tz):
    index = pd.DatetimeIndex(TIMES.tz_convert(None), name=index_name)
    frame = pd.DataFrame(PRICES, index=index if tz is None else index.tz_localize(tz))
    path = tmp_path / "indexed.parquet"
    frame.to_parquet(path)  # plain to_parquet(): pyarrow stores the index as the last column
    assert_times(read_ohlcv_file(path))
    assert_times(read_ohlcv_bytes(path.read_bytes(), "indexed.parquet"))


def test_parquet_index_is_not_taken_over_a_named_time_column(tmp_path: Path):
    frame = pd.DataFrame({"time": TIMES, **PRICES}, index=pd.Index([7, 8]))
    path = tmp_path / "both.parquet"
    frame.to_parquet(path)
    assert_times(read_ohlcv_file(path))


def test_parquet_without_any_time_says_what_is_accepted(tmp_path: Path):
    path = tmp_path / "none.parquet"
    pd.DataFrame(PRICES).to_parquet(path, index=False)
    with pytest.raises(DataError, match=r"missing column time\. .*or a pandas index saved"):
        read_ohlcv_file(path)


def split_csv(header: str, rows: list[tuple[str, str]], sep: str = ",") -> bytes:
    bars = ["1,2,0.5,1.5,10", "1.5,2.5,1,2,20"]
    lines = [header, *(sep.join([d, t, bar]) for (d, t), bar in zip(rows, bars, strict=True))]
    return ("\n".join(lines) + "\n").encode()


HEADER = "Date,Time,Open,High,Low,Close,Volume"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("2024.01.02", "13:00"), ("2024.01.02", "14:00")], None),  # MT4
        ([("20240102", "130000"), ("20240102", "140000")], None),  # Stooq
        ([("2024-01-02", "13:00:00"), ("2024-01-02", "14:00:00")], None),
        ([("2024/01/02", "13:00"), ("2024/01/02", "14:00")], None),
        (
            [("20240102", "000000"), ("20240102", "093000")],  # leading zeros kept
            pd.to_datetime(["2024-01-02T00:00Z", "2024-01-02T09:30Z"]).as_unit("ns"),
        ),
        (
            [("2024.01.02", "9:30"), ("2024.01.02", "9:30:00.5")],
            pd.to_datetime(["2024-01-02T09:30:00Z", "2024-01-02T09:30:00.5Z"], format="ISO8601"),
        ),
    ],
    ids=["mt4", "stooq", "iso", "slashes", "stooq-midnight", "one-digit-hour"],
)
def test_date_and_time_of_day_columns_are_combined_as_utc(rows, expected):
    assert_times(
        read_ohlcv_bytes(split_csv(HEADER, rows), "EURUSD.csv"),
        TIMES if expected is None else expected,
    )


def test_date_and_time_columns_with_semicolons_and_decimal_commas():
    data = (
        b"date;time;open;high;low;close\n"
        b"2024-01-02;13:00;1;2;0,5;1,5\n"
        b"2024-01-02;14:00;1,5;2,5;1;2\n"
    )
    assert_times(read_ohlcv_bytes(data, "x.csv"))


def test_a_time_column_holding_full_times_is_used_on_its_own():
    rows = [("2024-01-02", "2024-01-02T13:00Z"), ("2024-01-02", "2024-01-02T14:00Z")]
    assert_times(read_ohlcv_bytes(split_csv(HEADER, rows), "x.csv"))


def test_parquet_date_and_time_columns(tmp_path: Path):
    table = pa.table(
        {
            "Date": pa.array([20240102, 20240102]),
            "Time": pa.array([130000, 140000]),  # numbers: zero-padded back to HHMMSS
            **{k.lower(): v for k, v in PRICES.items()},
        }
    )
    path = tmp_path / "split.parquet"
    pq.write_table(table, path)
    assert_times(read_ohlcv_file(path))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            split_csv(HEADER, [("2024.01.02", "13:00"), ("2024.01.02", "1pm")]),
            r"^x\.csv: column 'Time' holds times of day to combine with column 'Date', but row 2 "
            r"\('1pm'\) is not one\. Accepted: a date \(2024-01-02, 2024\.01\.02, 2024/01/02 or "
            r"20240102\) and a time of day \(13:00, 13:00:00, 13:00:00\.250 or 130000\), read as "
            r"UTC",
        ),
        (
            split_csv(HEADER, [("2024.01.02", "13:00"), ("02/01/2024", "14:00")]),
            r"^x\.csv: column 'Date' has values that are not dates in row 2 \('02/01/2024'\)\. "
            r"Accepted: a date",
        ),
        (
            split_csv(HEADER, [("2024.01.02", "13:00"), ("2024.01.02", "25:00")]),
            r"^x\.csv: columns 'Date' and 'Time' do not make a valid time in row 2 "
            r"\('2024\.01\.02 25:00'\)",
        ),
        (
            b"Time,Open,High,Low,Close\n13:00,1,2,0.5,1.5\n14:00,1.5,2.5,1,2\n",
            r"^x\.csv: time column 'Time' holds times of day without a date in rows 1 "
            r"\('13:00:00'\), 2 \('14:00:00'\)\. Add a date column next to it \(Date,Time as MT4",
        ),
        (
            b"time,open,high,low,close\n13:00,1,2,0.5,1.5\n9:30,1.5,2.5,1,2\n",
            r"time column 'time' holds times of day without a date in rows 1 \('13:00'\).* put "
            r"date and time in one column \(2024-01-02T13:00\)",
        ),
    ],
    ids=["bad-time-of-day", "bad-date", "hour-25", "time-only-arrow", "time-only-text"],
)
def test_split_time_problems_say_what_to_do(data, message):
    with pytest.raises(DataError, match=message):
        read_ohlcv_bytes(data, "x.csv")
