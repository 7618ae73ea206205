"""Finding the time and OHLCV columns among whatever headers a file or payload has."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.core.errors import DataError, shorten

SHOWN_NAMES = 8  # header names quoted in an error, each cut to SHOWN_NAME_CHARS
SHOWN_NAME_CHARS = 24

TIME_NAMES: tuple[str, ...] = ("time", "datetime", "timestamp", "date")
UNNAMED_FIRST: tuple[str, ...] = ("", "unnamed: 0", "__index_level_0__", "index")
PANDAS_INDEX = "__index_level_0__"  # where pyarrow stores an unnamed index (as the last column)
REQUIRED: tuple[str, ...] = ("open", "high", "low", "close")
ACCEPTED_COLUMNS = (
    "a time column (time, date, datetime or timestamp, an unnamed first column, or a pandas "
    "index saved with the data), or a date column plus a time-of-day column (Date,Time), "
    "open, high, low, close, and optionally volume; any case, surrounding spaces ignored, "
    "other columns ignored"
)


def normalize_name(name: object) -> str:
    return str(name).strip().strip("\"'").strip().lower()


def resolve_columns(
    names: Sequence[str],
    label: str,
    aliases: Mapping[str, str] | None = None,
    index_columns: Sequence[str] = (),
) -> dict[str, str]:
    """Canonical name (time, open, high, low, close[, volume]) -> the source's own column name.

    ``aliases`` maps extra normalized names to canonical ones (the API's ``t o h l c v``).
    ``index_columns``: columns that hold a saved pandas index (Parquet's metadata), taken as the
    time when no column is named like one. With both a ``date`` and a ``time`` column, ``date``
    maps to the date column too: the values then tell whether ``time`` is a time of day to
    combine with it (MT4 / Stooq exports) or a full time on its own.
    DataError naming what is missing, what was found and what is accepted.
    """
    by_canonical: dict[str, list[str]] = {}
    for raw in names:
        key = normalize_name(raw)
        if aliases and key in aliases:
            key = aliases[key]
        by_canonical.setdefault(key, []).append(raw)

    mapping: dict[str, str] = {}
    for canonical in (*REQUIRED, "volume"):
        found = by_canonical.get(canonical, [])
        if len(found) > 1:
            shown = _shown_names(found)
            raise DataError(
                f"{label}: columns {shown} all read as {canonical!r}; keep only one of them."
            )
        if found:
            mapping[canonical] = found[0]

    for time_name in TIME_NAMES:
        found = by_canonical.get(time_name, [])
        if found:
            mapping["time"] = found[0]
            if time_name == "time" and by_canonical.get("date"):
                mapping["date"] = by_canonical["date"][0]
            break
    else:
        index = [n for n in names if n in index_columns or normalize_name(n) == PANDAS_INDEX]
        if names and normalize_name(names[0]) in UNNAMED_FIRST:
            mapping["time"] = names[0]
        elif index:
            mapping["time"] = index[0]

    missing = [c for c in ("time", *REQUIRED) if c not in mapping]
    if missing:
        found_text = _shown_names(names)
        raise DataError(
            f"{label}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}. Found columns: {found_text}. Expected {ACCEPTED_COLUMNS}."
        )
    return mapping


def _shown_names(names: Sequence[object]) -> str:
    """A header's names as quoted in an error: a few, each cut short (a file that is not a
    table, say a link to /etc/passwd, must not have its first line echoed)."""
    if not names:
        return "none"
    shown = ", ".join(repr(shorten(n, SHOWN_NAME_CHARS)) for n in names[:SHOWN_NAMES])
    if len(names) > SHOWN_NAMES:
        shown += f" and {len(names) - SHOWN_NAMES} more"
    return shown
