"""Callback values as the callbacks expect them, whatever a request sent.

The browser sends what the components hold, but a crafted request can send any JSON in any
slot. Each callback's values pass through these first: a value of the wrong type becomes the
empty choice (which the chart then explains in an alert), never an exception.
"""

from __future__ import annotations

from typing import Any

from app.dash_app.uploads import UploadRef

MAX_TEXT = 200  # a symbol, timeframe or source name longer than this is nobody's choice
MAX_ITEMS = 64  # EMA periods ticked, symbols in the timeframe map, ...


def text(value: Any) -> str | None:
    """A short string, or None."""
    return value if isinstance(value, str) and len(value) <= MAX_TEXT else None


def choice(value: Any, allowed: set[str], default: str) -> str:
    return value if isinstance(value, str) and value in allowed else default


def choices(value: Any, allowed: list[str]) -> list[str]:
    """A checklist's values among ``allowed``, in ``allowed``'s order."""
    if not isinstance(value, list):
        return []
    return [option for option in allowed if option in value]


def periods(value: Any) -> list[int]:
    """EMA periods ticked: whole numbers only (the checklist's values)."""
    if not isinstance(value, list):
        return []
    return [p for p in value[:MAX_ITEMS] if isinstance(p, int) and not isinstance(p, bool)]


def mapping(value: Any) -> dict | None:
    """A store's dict (its fields are checked where they are read), or None."""
    return value if isinstance(value, dict) else None


def symbol_timeframes(value: Any) -> dict[str, str]:
    """The symbol -> own timeframe store; entries of other types dropped."""
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


def upload_ref(value: Any) -> dict | None:
    """A stored upload reference with every field of the right type, or None."""
    if not isinstance(value, dict):
        return None
    try:
        ref = UploadRef.from_store(value)
    except TypeError:
        return None
    fields = (ref.digest, ref.filename, ref.timeframe)
    if not all(isinstance(f, str) and len(f) <= MAX_TEXT for f in fields):
        return None
    if not isinstance(ref.bars, int) or isinstance(ref.bars, bool):
        return None
    return ref.to_store()


def upload_payload(value: Any) -> dict | None:
    """What the browser's size check hands over: {filename, size[, contents]}, or None when it
    is not that shape."""
    if not isinstance(value, dict):
        return None
    filename, size = value.get("filename"), value.get("size", 0)
    contents = value.get("contents")
    if not isinstance(filename, (str, type(None))) or (filename and len(filename) > 1000):
        return None
    if not isinstance(size, (int, float)) or isinstance(size, bool) or size < 0:
        return None
    if contents is not None and not isinstance(contents, str):
        return None
    payload = {"filename": filename, "size": int(size)}
    if contents is not None:
        payload["contents"] = contents
    return payload


def number(value: Any) -> int | float | None:
    """A parameter field's number (the core checks its range), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def tokens(value: Any) -> list[str]:
    """The indicator multi-select's values: short strings only (the core parses them)."""
    if not isinstance(value, list):
        return []
    return [t for t in value[:MAX_ITEMS] if isinstance(t, str) and 0 < len(t) <= MAX_TEXT]
