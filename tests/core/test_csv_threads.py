"""A live tail is parsed on the calling thread (``threads=False``, #25): the same bars, the same
errors, as Arrow's thread pool gives, in each dialect the reader takes."""

from __future__ import annotations

import pandas as pd
import pytest

from app.core import DataError
from app.core.csv_reader import frame_of, read_csv_bars

DIALECTS = {
    "iso": b"time,open,high,low,close,volume\n2024-01-04T11:19Z,99.9,101,99,100,10\n"
    b"2024-01-04T11:20Z,100,102,99.5,101.5,12\n",
    "epoch ms": b"timestamp,Open,High,Low,Close,Volume\n1704367140000,1.5,2,1,1.75,3\n",
    "decimal comma": b"date;open;high;low;close;volume\n2024-01-04 11:19;99,9;101;99;100;10\n",
    "date and time": b"Date,Time,Open,High,Low,Close,Vol\n20240104,111900,5,6,4,5.5,1\n",
    "numbers as text": b"time,open,high,low,close,volume\n2024-01-04,1e2,101,99,100, 7\n",
}


@pytest.mark.parametrize("name", DIALECTS)
def test_a_tail_parsed_without_the_pool_reads_the_same_bars(name: str) -> None:
    source = DIALECTS[name]
    pooled = frame_of(read_csv_bars(source, name))
    inline = frame_of(read_csv_bars(source, name, threads=False))
    assert len(inline) >= 1
    pd.testing.assert_frame_equal(inline, pooled)


def test_a_bad_row_is_the_same_error_without_the_pool() -> None:
    source = b"time,open,high,low,close,volume\n2024-01-04T11:19Z,99.9,oops,99,100,10\n"
    with pytest.raises(DataError) as pooled:
        read_csv_bars(source, "bad.csv")
    with pytest.raises(DataError) as inline:
        read_csv_bars(source, "bad.csv", threads=False)
    assert str(inline.value) == str(pooled.value) and "oops" in str(inline.value)
