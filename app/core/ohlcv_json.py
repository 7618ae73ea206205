"""The bytes of an ``/api/ohlcv`` answer, written straight from the numpy columns.

``records`` is built without a Python dict per bar: each column is serialised once by orjson,
split into its values, and the values are laid into a per-bar template. The output is byte for
byte what ``orjson.dumps`` of the list of dicts would give (NaN as ``null``), about 2x faster.
"""

from __future__ import annotations

from typing import Any

import orjson

_NUMPY = orjson.OPT_SERIALIZE_NUMPY


def records_json(columns: dict[str, Any]) -> bytes:
    """``[{"time": ..., "open": ..., ...}, ...]`` from one array per field (equal lengths)."""
    names = list(columns)
    if not names or len(columns[names[0]]) == 0:
        return b"[]"
    template = b"{" + b",".join(orjson.dumps(name) + b":%b" for name in names) + b"}"
    # A JSON array of numbers holds no commas but its separators, so splitting is exact.
    values = [orjson.dumps(columns[name], option=_NUMPY)[1:-1].split(b",") for name in names]
    return b"[" + b",".join([template % bar for bar in zip(*values, strict=True)]) + b"]"


def columns_json(meta: dict[str, Any], columns: dict[str, Any]) -> bytes:
    """``{...meta, "columns": {"time": [...], ...}}``: the compact form."""
    return orjson.dumps({**meta, "columns": columns}, option=_NUMPY)
