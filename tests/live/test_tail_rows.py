"""The quick parse of a live tail's plain rows (#25) reads exactly what the core's CSV reader
reads, or declines: never other bars, never another error."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import DataError
from app.core.csv_reader import read_csv_bars
from app.live.tail_rows import PlainRows

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEADERS = [
    b"time,open,high,low,close,volume\n",
    b"Timestamp;Open;High;Low;Close\n",
    b"time\topen\thigh\tlow\tclose\tvolume\tsymbol\n",
    b"close,volume,time,low,high,open\r\n",
]


def lines_of(body: bytes) -> list[bytes]:
    return [line for line in body.splitlines(keepends=True) if line.strip()]


def same_as_the_core(header: bytes, body: bytes) -> bool:
    """Whether the quick parse agrees with read_csv_bars on ``body``; True if it took it."""
    plain = PlainRows.of(header, "t.csv")
    assert plain is not None
    try:
        quick = plain.read(lines_of(body))
    except DataError as exc:
        with pytest.raises(DataError) as core:
            read_csv_bars(header + body, "t.csv", threads=False)
        assert str(exc) == str(core.value)
        return True
    if quick is None:
        return False
    core_bars = read_csv_bars(header + body, "t.csv", threads=False)
    for name in ("times_ns", "open", "high", "low", "close", "volume"):
        np.testing.assert_array_equal(getattr(quick, name), getattr(core_bars, name))
        assert getattr(quick, name).dtype == getattr(core_bars, name).dtype
    assert quick.notices == core_bars.notices
    return True


def test_plain_rows_read_as_the_core_reads_them() -> None:
    header = HEADERS[0]
    body = b"1704067200,99.9,101,99,100,10\n1704067260,100,102.125,99.5,101.5,12\r\n"
    assert same_as_the_core(header, body)
    assert same_as_the_core(header, b"1704067200000,1.5,2,1,1.75,3e2\n")  # epoch ms
    assert same_as_the_core(HEADERS[1], b"1704067200;1.5;2;1;1.75\n")  # no volume
    assert same_as_the_core(HEADERS[2], b"1704067200\t1.5\t2\t1\t1.75\t3\tX\n")  # extra column
    assert same_as_the_core(HEADERS[3], b"1.75,3,1704067200,1,2,1.5\n")  # any column order


def test_bad_bars_give_the_core_error() -> None:
    header = HEADERS[0]
    assert same_as_the_core(header, b"1704067200,99.9,98,99,100,10\n")  # high below low
    assert same_as_the_core(header, b"1704067260,1,2,1,1,1\n1704067200,1,2,1,1,1\n")  # unsorted
    assert same_as_the_core(header, b"1704067200,1,2,1,1,1\n1704067200,1,2,1,1,1\n")  # duplicate


@pytest.mark.parametrize(
    "body",
    [
        b"2024-01-04T11:19Z,99.9,101,99,100,10\n",  # ISO time: the core's reader
        b"1704067200,99.9,101,99,100,\n",  # blank volume
        b"1704067200, 99.9,101,99,100,10\n",  # a space
        b'1704067200,"99.9",101,99,100,10\n',  # quoted
        b"1704067200,99.9,101,99,100\n",  # a field short
        b"1704067200,1e999,101,99,100,10\n",  # not finite
        b"1704067200,nan,101,99,100,10\n",
    ],
)
def test_rows_that_are_not_plain_are_left_to_the_core(body: bytes) -> None:
    assert not same_as_the_core(HEADERS[0], body)


def test_headers_it_does_not_take() -> None:
    assert PlainRows.of(b"Date,Time,Open,High,Low,Close\n", "t.csv") is None
    assert PlainRows.of(b"time,open,high,low,close,x,x\n", "t.csv") is None
    assert PlainRows.of(b"time,open,high,low\n", "t.csv") is None  # no close: not OHLCV


@FAST
@given(
    st.sampled_from(HEADERS),
    st.lists(
        st.lists(
            st.one_of(
                st.integers(0, 2_000_000_000_000).map(str),
                st.floats(allow_nan=True, allow_infinity=True).map(repr),
                st.text(alphabet="0123456789.-eE+ ", max_size=12),
            ),
            min_size=5,
            max_size=7,
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_whatever_the_rows_the_quick_parse_agrees_or_declines(header, rows) -> None:
    delimiter = {b",": ",", b";": ";", b"\t": "\t"}
    sep = next(d for b, d in delimiter.items() if b in header)
    same_as_the_core(header, "".join(sep.join(row) + "\n" for row in rows).encode())


number_texts = st.one_of(
    st.floats(0, 1e7, allow_nan=False).map(repr),  # 1e-05, 12.5, 1e+16
    st.floats(0, 1e7, allow_nan=False).map(lambda x: f"{x:.4f}"),
    st.integers(0, 10**7).map(str),
)


@FAST
@given(
    st.integers(946_684_800, 1_900_000_000),
    st.lists(st.tuples(*[number_texts] * 5, st.integers(1, 86_400)), min_size=1, max_size=4),
    st.booleans(),
)
def test_plain_rows_are_taken_and_read_as_the_core_reads_them(start, rows, millis) -> None:
    lines, time = [], start
    for *values, gap in rows:
        time += gap
        stamp = str(time * 1000 if millis else time)
        lines.append(",".join((stamp, *values)) + "\n")
    assert same_as_the_core(HEADERS[0], "".join(lines).encode())  # taken: bars or the error
