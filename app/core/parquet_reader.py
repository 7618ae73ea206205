"""Parquet -> canonical frame, reading only the columns we need."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from app.core.columns import resolve_columns
from app.core.errors import DataError
from app.core.validation import canonical_from_table


def read_parquet(source: str | pa.NativeFile, label: str) -> pd.DataFrame:
    try:
        parquet = pq.ParquetFile(source)
        names = parquet.schema_arrow.names
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"{label}: not a readable Parquet file ({exc}).") from None
    mapping = resolve_columns(names, label)
    columns = list(dict.fromkeys(mapping.values()))
    try:
        table = parquet.read(columns=columns, use_threads=True)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"{label}: could not read the Parquet data ({exc}).") from None
    return canonical_from_table(table, label, mapping)
