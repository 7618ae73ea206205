"""The quick parse of a live tail's few plain rows, without Arrow (#25).

A file being followed gains a row or two per change: ``time,open,high,low,close,volume`` with
epoch seconds (or ms) and plain decimals. Arrow's CSV reader costs ~0.4 ms for one such row on
an idle machine and up to several ms on a loaded one (it sets up signal handling, a reader, a
table, and hands blocks between threads), on the event loop, before the fan-out. ``PlainRows``
reads such rows with ``bytes.split`` and ``float``, then hands the columns to the core's own
``check_bars``, so the bars are those ``read_csv_bars`` returns: the values are the same
(decimal text is parsed correctly rounded by both), and the checks and their messages are the
core's.

It only takes what both readers surely read alike: every row has one field per header name,
times are epoch integers (Arrow reads them as int64, as here), prices and volume match a strict
decimal pattern. Anything else (ISO dates, quotes, blanks, spaces, decimal commas, a Date,Time
pair, repeated header names) answers None and the caller reads the rows through
``read_csv_bars`` as before.
"""

from __future__ import annotations

import re

import numpy as np

from app.core.column_values import epoch_to_ns
from app.core.columns import resolve_columns
from app.core.csv_reader import sniff_header
from app.core.errors import DataError
from app.core.validation import CheckedBars, check_bars

PRICES = ("open", "high", "low", "close", "volume")
_EPOCH = re.compile(rb"[0-9]{1,18}")  # an int64 for Arrow, as for numpy
_DECIMAL = re.compile(rb"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


class PlainRows:
    """The quick reader of one file's data rows, set up from its header line."""

    __slots__ = ("delimiter", "label", "mapping", "positions", "width")

    def __init__(self, delimiter: bytes, width: int, positions: tuple[int, ...], mapping, label):
        self.delimiter = delimiter
        self.width = width  # fields per row: the header's names
        self.positions = positions  # of time, open, high, low, close[, volume]
        self.mapping = mapping  # canonical -> the file's own name (for check_bars' messages)
        self.label = label

    @classmethod
    def of(cls, header: bytes, label: str) -> PlainRows | None:
        """For a header the quick path can follow, else None (the full reader then)."""
        try:
            delimiter, names = sniff_header(header, label)
            mapping = resolve_columns(names, label)
        except DataError:
            return None
        if "date" in mapping or len(set(names)) != len(names):
            return None  # Date,Time pairs and repeated names: the full reader's business
        order = ("time", *(name for name in PRICES if name in mapping))
        positions = tuple(names.index(mapping[name]) for name in order)
        return cls(delimiter.encode(), len(names), positions, mapping, label)

    def read(self, lines: list[bytes]) -> CheckedBars | None:
        """The checked bars of these complete lines (each ending in a newline), or None when a
        row is not plain (the full reader then). DataError as ``check_bars`` raises it."""
        columns: list[list] = [[] for _ in self.positions]
        time_position = self.positions[0]
        for line in lines:
            fields = line.rstrip(b"\r\n").split(self.delimiter)
            if len(fields) != self.width:
                return None
            for column, position in zip(columns, self.positions, strict=True):
                text = fields[position]
                if position == time_position:
                    if _EPOCH.fullmatch(text) is None:
                        return None
                    column.append(int(text))
                elif _DECIMAL.fullmatch(text) is None:
                    return None
                else:
                    column.append(float(text))
        if not columns[0]:
            return None
        prices = [np.array(values, dtype=np.float64) for values in columns[1:]]
        if not all(np.isfinite(values).all() for values in prices):
            return None  # 1e999: which error is the full reader's to say
        times = epoch_to_ns(np.array(columns[0], dtype=np.int64), self.mapping["time"], self.label)
        volume = prices[4] if len(prices) == 5 else None
        return check_bars(times, *prices[:4], volume, label=self.label, names=self.mapping)
