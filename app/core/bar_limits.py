"""MAX_BARS: files and uploads are limited in bars, not only bytes, and checked before decoding.

Parquet says its row count in the footer. For CSV the line breaks are counted (memchr speed,
a few ms per 100 MB): rows <= line breaks, so a count within the cap proves the file is.
"""

from __future__ import annotations

from pathlib import Path

from app.core.errors import TooManyBarsError

_CHUNK = 8 << 20

# Bars in an answer (HTTP or a live snapshot) when no limit is given: the most recent ones.
DEFAULT_LIMIT = 5_000


def check_bar_count(rows: int, max_bars: int, label: str, *, at_least: bool = False) -> None:
    if rows > max_bars:
        counted = f"at least {rows:,}" if at_least else f"{rows:,}"
        raise TooManyBarsError(
            f"{label}: {counted} rows; the limit is {max_bars:,} bars (MAX_BARS). Split the "
            "file, or resample it to a coarser timeframe before loading."
        )


def check_csv_rows(source: Path | bytes, max_bars: int, label: str, fields: int = 1) -> None:
    """TooManyBarsError when a CSV has more data rows than ``max_bars``: its line breaks are
    counted (stopping as soon as there are too many), before anything is parsed. A row of
    ``fields`` fields takes at least that many bytes (delimiters and line break), so a file too
    small to hold more rows is not read at all."""
    fields = max(fields, 1)
    if isinstance(source, bytes):
        if len(source) <= max_bars * fields:
            return
        rows = source.count(b"\n") - 1 + (not source.endswith(b"\n"))
        check_bar_count(rows, max_bars, label)
        return
    if Path(source).stat().st_size <= max_bars * fields:
        return
    breaks = 0
    last = b"\n"
    with open(source, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            breaks += chunk.count(b"\n")
            last = chunk[-1:]
            if breaks - 1 > max_bars:  # stop reading: already too many
                check_bar_count(breaks - 1, max_bars, label, at_least=len(chunk) == _CHUNK)
    check_bar_count(breaks - 1 + (last != b"\n"), max_bars, label)
