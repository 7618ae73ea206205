"""Turn files and uploaded bytes (CSV, Parquet, ``.csv.gz``, ``.zip``) into a validated canonical
OHLCV frame, bounded in bytes and in bars before the expensive work."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from app.core.archives import gunzip, is_gzip, is_zip, unzip_one_csv
from app.core.csv_reader import read_csv
from app.core.errors import DataError, UploadTooLargeError
from app.core.parquet_reader import read_parquet

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")
ARCHIVE_SUFFIXES = (".gz", ".zip")
PARQUET_MAGIC = b"PAR1"
ACCEPTED = ".csv, .csv.gz, .zip (one .csv inside), .parquet"


def default_max_bars() -> int:
    """MAX_BARS from the settings (read lazily: app.config imports app.core)."""
    from app.config import get_settings

    return get_settings().max_bars


def default_max_bytes() -> int:
    from app.config import get_settings

    return get_settings().upload_max_bytes


def read_ohlcv_file(path: Path, *, max_bars: int | None = None) -> pd.DataFrame:
    """A ``.csv`` or ``.parquet`` file -> canonical frame, or DataError naming the problem;
    TooManyBarsError past ``max_bars`` rows (default MAX_BARS), found before decoding them."""
    path = Path(path)
    label = path.name
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES + PARQUET_SUFFIXES:
        raise DataError(
            f"{label}: unsupported file type {suffix or '(none)'!r}; accepted: .csv, .parquet."
        )
    if not path.is_file():
        raise DataError(f"{label}: file not found.")
    max_bars = default_max_bars() if max_bars is None else max_bars
    if suffix in PARQUET_SUFFIXES:
        return read_parquet(str(path), label, max_bars=max_bars)
    return read_csv(path, label, max_bars=max_bars)


def read_ohlcv_bytes(
    data: bytes,
    filename: str,
    *,
    max_bytes: int | None = None,
    max_bars: int | None = None,
) -> pd.DataFrame:
    """Uploaded bytes -> canonical frame: CSV, Parquet (by name or magic bytes), a gzipped CSV
    (``.csv.gz``) or a zip holding exactly one CSV. UploadTooLargeError past ``max_bytes`` (the
    upload, and what a .gz/.zip unpacks to: UPLOAD_MAX_MB when not given); TooManyBarsError past
    ``max_bars`` rows (MAX_BARS when not given); DataError if unreadable."""
    label = Path(filename or "upload").name or "upload"
    if max_bytes is not None and len(data) > max_bytes:
        raise UploadTooLargeError(
            f"{label}: the file is {_megabytes(len(data))}; the limit is "
            f"{_megabytes(max_bytes)} (UPLOAD_MAX_MB)."
        )
    if not data:
        raise DataError(f"{label}: the file is empty; expected a header row and data rows.")
    data = bytes(data)
    max_bars = default_max_bars() if max_bars is None else max_bars
    lower = label.lower()
    if lower.endswith(PARQUET_SUFFIXES) or data[:4] == PARQUET_MAGIC:
        return read_parquet(pa.BufferReader(data), label, max_bars=max_bars)
    suffix = Path(lower).suffix
    if suffix and suffix not in CSV_SUFFIXES + ARCHIVE_SUFFIXES:  # an .xlsx is a zip too
        raise DataError(f"{label}: unsupported file type {suffix!r}; accepted: {ACCEPTED}.")
    unpacked = max_bytes if max_bytes is not None else default_max_bytes()
    if is_gzip(data, lower):
        data = gunzip(data, label, unpacked)
        inner = Path(lower.removesuffix(".gz")).suffix
        if inner and inner not in CSV_SUFFIXES:
            raise DataError(f"{label}: a .gz upload must be a gzipped CSV (name.csv.gz).")
    elif is_zip(data, lower):
        data, inner_name = unzip_one_csv(data, label, unpacked)
        label = f"{label}/{inner_name}"
    if not data:
        raise DataError(f"{label}: the file is empty; expected a header row and data rows.")
    return read_csv(data, label, max_bars=max_bars)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
