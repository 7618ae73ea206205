"""Turn files and uploaded bytes (CSV, Parquet) into a validated canonical OHLCV frame."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def read_ohlcv_file(path: Path) -> pd.DataFrame:
    """A ``.csv`` or ``.parquet`` file -> canonical frame, or DataError naming the problem."""
    raise NotImplementedError


def read_ohlcv_bytes(data: bytes, filename: str, *, max_bytes: int | None = None) -> pd.DataFrame:
    """Uploaded bytes -> canonical frame. CSV unless the name ends in ``.parquet`` (or the
    bytes are Parquet); UploadTooLargeError past ``max_bytes``; DataError for anything unreadable."""
    raise NotImplementedError
