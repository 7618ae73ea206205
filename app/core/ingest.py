"""Turn files and uploaded bytes (CSV, Parquet) into a validated canonical OHLCV frame."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from app.core.csv_reader import read_csv
from app.core.errors import DataError, UploadTooLargeError
from app.core.parquet_reader import read_parquet

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")
PARQUET_MAGIC = b"PAR1"


def read_ohlcv_file(path: Path) -> pd.DataFrame:
    """A ``.csv`` or ``.parquet`` file -> canonical frame, or DataError naming the problem."""
    path = Path(path)
    label = path.name
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES + PARQUET_SUFFIXES:
        raise DataError(
            f"{label}: unsupported file type {suffix or '(none)'!r}; accepted: .csv, .parquet."
        )
    if not path.is_file():
        raise DataError(f"{label}: file not found.")
    if suffix in PARQUET_SUFFIXES:
        return read_parquet(str(path), label)
    return read_csv(path, label)


def read_ohlcv_bytes(data: bytes, filename: str, *, max_bytes: int | None = None) -> pd.DataFrame:
    """Uploaded bytes -> canonical frame. CSV unless the name ends in ``.parquet`` (or the
    bytes are Parquet); UploadTooLargeError past ``max_bytes``; DataError if unreadable."""
    label = Path(filename or "upload").name or "upload"
    if max_bytes is not None and len(data) > max_bytes:
        raise UploadTooLargeError(
            f"{label}: the file is {_megabytes(len(data))}; the limit is "
            f"{_megabytes(max_bytes)} (UPLOAD_MAX_MB)."
        )
    if not data:
        raise DataError(f"{label}: the file is empty; expected a header row and data rows.")
    data = bytes(data)
    if label.lower().endswith(PARQUET_SUFFIXES) or data[:4] == PARQUET_MAGIC:
        return read_parquet(pa.BufferReader(data), label)
    suffix = Path(label).suffix.lower()
    if suffix and suffix not in CSV_SUFFIXES:
        raise DataError(f"{label}: unsupported file type {suffix!r}; accepted: .csv, .parquet.")
    return read_csv(data, label)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
