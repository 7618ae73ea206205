"""Times that cannot become real bars are refused with the rows that hold them, never turned
into empty (NaT) or wrong (wrapped-round, 1970) times."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from app.core import DataError, read_ohlcv_bytes, read_ohlcv_file

RANGE = r"times must fall between 1677-09-21 and 2262-04-11 \(UTC\)"
HOUR = 3600
START = 1704067200  # 2024-01-01T00:00:00Z


def csv_bytes(times: list[str]) -> bytes:
    rows = "".join(f"{t},10,12,9,11,100\n" for t in times)
    return ("time,open,high,low,close,volume\n" + rows).encode()


def hourly_seconds(count: int) -> list[str]:
    return [str(START + HOUR * i) for i in range(count)]


@pytest.mark.parametrize(
    ("times", "message"),
    [
        (
            ["1e19", "1.1e19"],
            rf"holds epoch nanoseconds we cannot represent in rows 1 \(1e\+19\), 2 \(1\.1e\+19\); "
            rf"{RANGE}",
        ),
        (["1e25", "1.1e25"], r"epoch nanoseconds we cannot represent in rows 1 \(1e\+25\)"),
        (  # int64 nanoseconds would wrap round to 1702
            ["10000000000", "10000003600"],
            rf"holds epoch seconds we cannot represent in rows 1 \(10000000000\), "
            rf"2 \(10000003600\); {RANGE}",
        ),
        (["1704067200", "inf"], r"time column 'time' holds infinite values in row 2 \(inf\)\."),
        (
            ["3000-01-01", "3000-01-02"],
            rf"time column 'time' has times we cannot represent in rows 1 \('3000-01-01'\), "
            rf"2 \('3000-01-02'\); {RANGE}",
        ),
        (
            ["2024-01-01T00:00:00Z", "3000-01-02 00:00"],
            rf"has times we cannot represent in row 2 \('3000-01-02 00:00'\); {RANGE}",
        ),
        (
            ["1600-01-01T00:00:00Z", "1600-01-02T00:00:00Z"],
            rf"has times we cannot represent in rows 1 \('1600-01-01 00:00:00\+00:00'\), .*{RANGE}",
        ),
    ],
    ids=["1e19", "1e25", "seconds-past-2262", "infinite", "year-3000", "year-3000-iso", "1600"],
)
def test_times_outside_what_pandas_represents_are_refused(times, message):
    with pytest.raises(DataError, match=message) as err:
        read_ohlcv_bytes(csv_bytes(times), "x.csv")
    assert "Casting" not in str(err.value) and "date32" not in str(err.value)  # no Arrow talk


def test_one_millisecond_row_among_seconds_is_refused_not_read_as_1970():
    times = [*hourly_seconds(60_000), str((START + HOUR * 60_000) * 1000)]
    with pytest.raises(DataError) as err:
        read_ohlcv_bytes(csv_bytes(times), "x.csv")
    assert str(err.value) == (
        "x.csv: time column 'time' mixes epoch units: most values are epoch seconds, but row "
        "60001 (1920067200000) looks like milliseconds. Use one unit for the whole column: "
        "epoch seconds (1704067200) or milliseconds (1704067200000)."
    )


def test_a_date_string_after_epoch_seconds_blames_that_row():
    times = [*hourly_seconds(60_000), "2030-01-01"]
    with pytest.raises(DataError) as err:
        read_ohlcv_bytes(csv_bytes(times), "x.csv")
    message = str(err.value)
    assert message.startswith(
        "x.csv: time column 'time' holds epoch numbers, but row 60001 ('2030-01-01') is not a "
        "number. Use one form for the whole column. Accepted: ISO 8601"
    )
    assert "rows 1" not in message


def test_epoch_seconds_milliseconds_and_nanoseconds_still_load():
    expected = pd.Timestamp("2024-01-01T01:00:00Z")
    for scale in (1, 1000, 10**9):
        times = [str((START + HOUR * i) * scale) for i in range(2)]
        assert read_ohlcv_bytes(csv_bytes(times), "x.csv")["time"].iloc[-1] == expected


def _ohlc_table(times: pa.Array) -> pa.Table:
    return pa.table(
        {
            "time": times,
            "open": [10.0, 11.0],
            "high": [12.0, 13.0],
            "low": [9.0, 10.0],
            "close": [11.0, 12.0],
        }
    )


def test_parquet_timestamps_outside_the_range_are_named(tmp_path: Path):
    path = tmp_path / "far.parquet"
    seconds = [START, 32_503_680_000]  # 2024-01-01, 3000-01-01
    pq.write_table(_ohlc_table(pa.array(seconds, pa.timestamp("s", "UTC"))), path)
    with pytest.raises(DataError, match=rf"far\.parquet: .*row 2 \('3000-01-01 .*{RANGE}"):
        read_ohlcv_file(path)


def test_parquet_epoch_column_with_a_missing_time_names_the_row(tmp_path: Path):
    path = tmp_path / "gap.parquet"
    pq.write_table(_ohlc_table(pa.array([float(START), None])), path)
    with pytest.raises(DataError, match=r"gap\.parquet: time column 'time' is empty in row 2\."):
        read_ohlcv_file(path)
