"""Read only what a growing CSV gained: the rows after a byte offset, not the whole file again.

The offset kept is the start of the file's last complete line, so a writer that rewrites the
last row (the forming bar) in place is read again from there. The new lines are parsed by the
core's own CSV reader (the file's header line + the new lines), so a tailed row is read exactly
as a full load would read it; up to its checked bars only, since a frame costs more than
parsing a few rows. A file that shrank below the offset, or was replaced (another
inode), asks for a full reload; so does a Parquet file, which cannot be appended to.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from app.core.csv_reader import read_csv_bars
from app.core.errors import DataError
from app.core.validation import CheckedBars
from app.live.tail_rows import PlainRows

MAX_TAIL_BYTES = 32 * 2**20  # more new bytes than this in one go: reload the whole file instead
_HEADER_MAX = 64 * 1024
INLINE_PARSE_BYTES = 64 * 1024  # smaller tails are parsed on the calling thread, no Arrow pool


class ReloadNeeded(Exception):
    """The file changed in a way the tail cannot follow (truncated, replaced, not a CSV)."""


class TailUnreadable(ReloadNeeded):
    """The new lines do not parse. Often a writer mid-way through rewriting the last row in
    place (its new, shorter text written, the old text's end not yet truncated): the caller
    may wait for the next change before reloading."""


@dataclass
class CsvTail:
    path: Path
    header: bytes  # the header line, with its newline
    inode: int
    offset: int  # start of the last complete line read
    plain: PlainRows | None = field(default=None, repr=False)  # the quick parse, if it fits

    @classmethod
    def open(cls, path: Path, size: int) -> CsvTail:
        """A tail positioned at the last complete line within the first ``size`` bytes (the
        size the caller saw before loading the whole file)."""
        if path.suffix.lower() != ".csv":
            raise ReloadNeeded(f"{path.name}: only CSV files are tailed")
        stat = path.stat()
        with open(path, "rb") as handle:
            header = handle.readline(_HEADER_MAX)
            if not header.endswith(b"\n"):
                raise ReloadNeeded(f"{path.name}: no complete header line")
            offset = len(header)
            if size > offset:
                # Find the start of the last complete line before ``size``.
                back = min(size - offset, 1 << 16)
                handle.seek(size - back)
                chunk = handle.read(back)
                end = chunk.rfind(b"\n")
                if end >= 0:
                    start = chunk.rfind(b"\n", 0, end)
                    offset = size - back + start + 1 if start >= 0 else max(offset, size - back)
        return cls(path, header, stat.st_ino, offset, PlainRows.of(header, path.name))

    def read_new(self) -> CheckedBars | None:
        """The rows from the last complete line on (that line again, and any new ones); None
        when nothing complete is there. ReloadNeeded when the file cannot be followed."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            raise ReloadNeeded(f"{self.path.name}: the file is gone") from None
        if stat.st_ino != self.inode or stat.st_size < self.offset:
            raise ReloadNeeded(f"{self.path.name}: the file was replaced or truncated")
        if stat.st_size - self.offset > MAX_TAIL_BYTES:
            raise ReloadNeeded(f"{self.path.name}: too much new data to tail")
        with open(self.path, "rb") as handle:
            head = handle.read(len(self.header))
            if head != self.header:
                raise ReloadNeeded(f"{self.path.name}: the header changed")
            handle.seek(self.offset)
            data = handle.read(stat.st_size - self.offset)
        end = data.rfind(b"\n")
        if end < 0:
            return None
        complete = data[: end + 1]
        lines = complete.splitlines(keepends=True)
        lines = [line for line in lines if line.strip()]
        if not lines:
            return None
        try:
            bars = self.plain.read(lines) if self.plain is not None else None
            if bars is None:  # not plain rows: the core's reader
                body = self.header + b"".join(lines)
                bars = read_csv_bars(body, self.path.name, threads=len(body) > INLINE_PARSE_BYTES)
        except DataError as exc:
            raise TailUnreadable(str(exc)) from None
        previous = complete.rfind(b"\n", 0, end)
        self.offset += previous + 1  # the start of the last complete line
        return bars
