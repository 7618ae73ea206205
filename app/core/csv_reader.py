"""CSV -> canonical frame.

Arrow's multi-threaded reader handles the common case, decimal commas, and (reading numbers as
text) files with bad values, which are then reported with their rows; pandas only reads files
Arrow cannot split into rows, to say which line is wrong."""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from app.core.bar_limits import check_csv_rows
from app.core.column_values import numbers_from_text, times_from_text
from app.core.columns import resolve_columns
from app.core.errors import DataError
from app.core.split_times import times_from_date_and_time
from app.core.validation import CheckedBars, bars_from_table, check_bars, frame_of

DELIMITERS = (",", ";", "\t")
WIDE_HEADER = 256
_HEAD_BYTES = 64 * 1024
Source = Path | bytes


def _head(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source[:_HEAD_BYTES]
    with open(source, "rb") as handle:
        return handle.read(_HEAD_BYTES)


def _decode_head(head: bytes, label: str) -> str:
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the 64 KiB boundary
            raise DataError(
                f"{label}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV."
            ) from None
        return head[: exc.start].decode("utf-8-sig")


def sniff_header(source: Source, label: str) -> tuple[str, list[str]]:
    """The delimiter (``,`` ``;`` or tab: whichever splits the header into most fields) and the
    header's column names."""
    text = _decode_head(_head(source), label)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise DataError(f"{label}: the file is empty; expected a header row and data rows.")
    header = lines[0]
    delimiter = max(DELIMITERS, key=lambda d: len(next(csv.reader([header], delimiter=d))))
    names = next(csv.reader([header], delimiter=delimiter))
    return delimiter, names


def _looks_like_data(names: list[str]) -> bool:
    """A first line of numbers (and maybe a date) is data, not a header."""
    numeric = 0
    for name in names:
        try:
            float(name.strip().replace(",", "."))
            numeric += 1
        except ValueError:
            pass
    return numeric >= 4


def read_csv(source: Source, label: str, *, max_bars: int | None = None) -> pd.DataFrame:
    """TooManyBarsError past ``max_bars`` data rows, counted before parsing."""
    return frame_of(read_csv_bars(source, label, max_bars=max_bars))


def read_csv_bars(
    source: Source, label: str, *, max_bars: int | None = None, threads: bool = True
) -> CheckedBars:
    """``read_csv`` up to its checked bars, not yet a frame (a live tail of a few rows).

    ``threads=False`` parses on the calling thread: for a few rows (a live tail, on the event
    loop) Arrow's thread pool costs more than it saves, and on a loaded machine the loop would
    wait for a pool thread to be scheduled (0.2-6 ms a row against a steady ~0.4, #25)."""
    delimiter, header = sniff_header(source, label)
    if _looks_like_data(header):
        raise DataError(
            f"{label}: the first line holds data, not column names; add a header row such as "
            "time,open,high,low,close,volume."
        )
    mapping = resolve_columns(header, label)
    if max_bars is not None:
        check_csv_rows(source, max_bars, label, fields=len(header))
    arrow_errors = (pa.ArrowInvalid, pa.ArrowKeyError, KeyError)
    try:
        return _read_with_arrow(source, label, delimiter, mapping, threads=threads)
    except arrow_errors:
        pass
    if delimiter != ",":  # European exports: 1234,5 with ';' between fields
        try:
            return _read_with_arrow(
                source, label, delimiter, mapping, decimal_point=",", threads=threads
            )
        except arrow_errors:
            pass
    try:  # numbers as text: converted column by column, a bad value reported with its row
        return _read_with_arrow(source, label, delimiter, mapping, as_text=True, threads=threads)
    except arrow_errors:
        pass
    return _read_with_pandas(source, label, delimiter, mapping, header)


def _arrow_input(source: Source):
    return pa.BufferReader(source) if isinstance(source, bytes) else str(source)


def _read_with_arrow(
    source: Source,
    label: str,
    delimiter: str,
    mapping: dict[str, str],
    *,
    decimal_point: str = ".",
    as_text: bool = False,
    threads: bool = True,
) -> CheckedBars:
    numeric = [mapping[c] for c in ("open", "high", "low", "close", "volume") if c in mapping]
    types = {name: pa.string() if as_text else pa.float64() for name in numeric}
    times = [mapping["time"]]
    if "date" in mapping:  # as text, so that 093000 keeps its zero and 13:00 is not a time32
        times.append(mapping["date"])
        types.update({mapping["time"]: pa.string(), mapping["date"]: pa.string()})
    table = pa_csv.read_csv(
        _arrow_input(source),
        read_options=pa_csv.ReadOptions(use_threads=threads),
        parse_options=pa_csv.ParseOptions(delimiter=delimiter),
        convert_options=pa_csv.ConvertOptions(
            include_columns=[*times, *numeric],
            column_types=types,
            decimal_point=decimal_point,
            strings_can_be_null=False,
        ),
    )
    return bars_from_table(table, label, mapping, decimal_comma=delimiter != ",")


def _read_with_pandas(
    source: Source, label: str, delimiter: str, mapping: dict[str, str], header: list[str]
) -> CheckedBars:
    """Slower, more forgiving path: everything read as text, then converted column by column so
    that a bad value is reported with its row.

    Columns get positional names (the header line skipped): pandas de-duplicates repeated
    header names pairwise, which took 14 s for a 160 KB header of repeated names."""
    handle = io.BytesIO(source) if isinstance(source, bytes) else source
    position = {}
    for index, name in enumerate(header):
        position.setdefault(name, index)
    wanted = {canonical: position[name] for canonical, name in mapping.items()}
    try:
        with warnings.catch_warnings():
            # More fields than header names: pandas would silently drop or shift data.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            raw = pd.read_csv(
                handle,
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                skipinitialspace=True,
                encoding="utf-8-sig",
                engine="c",
                index_col=False,
                header=None,
                skiprows=1,
                names=range(len(header)),
                # A wide header (thousands of names): only our columns, not an object column
                # per other name (seconds); narrow ones read whole so ragged rows are caught.
                usecols=sorted(set(wanted.values())) if len(header) > WIDE_HEADER else None,
            )
    except pd.errors.ParserWarning:
        raise DataError(
            f"{label}: the data rows have more fields than the header has names; every row "
            "needs one value per header column."
        ) from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{label}: the file is empty; expected a header row and data rows.") from (
            None
        )
    except pd.errors.ParserError as exc:
        raise DataError(f"{label}: not a well-formed CSV: {_first_line(exc)}.") from None
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{label}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV."
        ) from None
    if raw.empty:
        raise DataError(f"{label}: no data rows; a chart needs at least one bar.")
    decimal_comma = delimiter != ","

    def column(canonical: str) -> pd.Series:
        return raw[wanted[canonical]]

    def numbers(canonical: str) -> np.ndarray:
        name = mapping[canonical]
        values = column(canonical).to_numpy()
        return numbers_from_text(values, name, label, decimal_comma=decimal_comma)

    times = None
    if "date" in mapping:
        times = times_from_date_and_time(
            column("date"), column("time"), mapping["date"], mapping["time"], label
        )
    if times is None:
        times = times_from_text(column("time").to_numpy(), mapping["time"], label)
    return check_bars(
        times,
        numbers("open"),
        numbers("high"),
        numbers("low"),
        numbers("close"),
        numbers("volume") if "volume" in mapping else None,
        label=label,
        names=mapping,
    )


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.removeprefix("Error tokenizing data. C error: ").rstrip(".")
