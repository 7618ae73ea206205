"""Issue #11 §2: a file rewritten in place is never served torn (half old, half new rows): a read
is kept only when the file's version is the same before and after it; while it keeps changing,
the last good frame is served."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core import DataError
from app.core.sources.files import FileSource

ROWS = 20_000
HEADER = b"time,open,high,low,close,volume\n"


def content(price: int) -> bytes:
    """``ROWS`` bars all at ``price`` (one digit), the same length for every price."""
    rows = b"".join(
        b"%d,%d.00,9.50,0.50,%d.00,1\n" % (1_700_000_000 + 60 * i, price, price)
        for i in range(ROWS)
    )
    return HEADER + rows


def rewrite_in_place(path: Path, data: bytes, pieces: int = 8) -> None:
    """Overwrite ``path`` without truncating it, a piece at a time, as an editor saving over a
    file or a logger rewriting it would: a reader in between sees old and new rows together."""
    size = len(data) // pieces + 1
    with open(path, "r+b") as handle:
        for start in range(0, len(data), size):
            handle.write(data[start : start + size])
            handle.flush()
            os.fsync(handle.fileno())
            time.sleep(0.002)


WRITER = """
import sys
from pathlib import Path
from tests.core.test_torn_reads import content, rewrite_in_place
path, price = Path(sys.argv[1]), 1
while True:
    price = 3 - price
    rewrite_in_place(path, content(price))
"""


@pytest.mark.slow
def test_a_file_rewritten_concurrently_is_never_served_torn(tmp_path):
    path = tmp_path / "live.csv"
    path.write_bytes(content(1))
    source = FileSource(tmp_path, max_bars=ROWS)
    assert set(source.load("live")["close"]) == {1.0}
    # Another program rewrites the file in place, over and over (a process: a thread here would
    # share our GIL and stall mid-rewrite far longer than a real writer does).
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], cwd=Path(__file__).resolve().parents[2]
    )
    seen: list[set[float]] = []
    deadline = time.monotonic() + 4
    try:
        while time.monotonic() < deadline:
            try:
                frame = source.load("live")
            except DataError:
                continue  # "kept changing": never a torn frame
            seen.append(set(frame["close"]))
    finally:
        writer.kill()
        writer.wait(5)
    assert len(seen) > 5
    torn = [closes for closes in seen if len(closes) != 1]
    assert torn == [], f"{len(torn)} of {len(seen)} reads mixed old and new rows"


def test_while_a_file_keeps_changing_the_last_good_frame_is_served(tmp_path, monkeypatch):
    path = tmp_path / "live.csv"
    path.write_bytes(content(1))
    source = FileSource(tmp_path, max_bars=ROWS)
    good = source.load("live")

    import app.core.sources.parsed_files as files

    real_read = files.read_ohlcv_file

    def read_while_a_writer_appends(file: Path, **kwargs):
        frame = real_read(file, **kwargs)
        with open(file, "ab") as handle:  # the file changed under our read
            handle.write(b"")
        os.utime(file, ns=(time.time_ns(), time.time_ns()))
        return frame

    path.write_bytes(content(2))
    monkeypatch.setattr(files, "read_ohlcv_file", read_while_a_writer_appends)
    assert source.load("live") is good  # the last whole read, not a torn one
    source_without_history = FileSource(tmp_path, max_bars=ROWS)
    with pytest.raises(DataError, match="kept changing while being read"):
        source_without_history.load("live")


def test_a_half_written_file_just_saved_keeps_the_last_good_frame(tmp_path):
    path = tmp_path / "live.csv"
    path.write_bytes(content(1))
    source = FileSource(tmp_path, max_bars=ROWS)
    good = source.load("live")
    path.write_bytes(HEADER + b"1700000000,1.00,9.50")  # caught mid-save: a cut row
    assert source.load("live") is good
    path.write_bytes(content(2))
    assert set(source.load("live")["close"]) == {2.0}
