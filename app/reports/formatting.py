"""Numbers and times as both report formats write them."""

from __future__ import annotations

import datetime as dt

from app.core.analysis import Analysis


def utc(seconds: int | None) -> str:
    """UNIX seconds as ``2024-01-31 14:00 UTC``.

    >>> utc(1706709600)
    '2024-01-31 14:00 UTC'
    """
    if seconds is None:
        return "-"
    return dt.datetime.fromtimestamp(int(seconds), dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def price(value: float | None) -> str:
    """Two decimals, eight below 1 (small coins).

    >>> price(27123.456), price(0.000123456)
    ('27,123.46', '0.00012346')
    """
    if value is None:
        return "-"
    magnitude = abs(value)
    decimals = 2 if magnitude >= 1 or magnitude == 0 else 8
    return f"{value:,.{decimals}f}"


def number(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def narrative_note(analysis: Analysis) -> str:
    """Who wrote the narrative, and why the rules did when they did."""
    if analysis.narrative_source == "llm":
        return "Written by the configured LLM from the analysis above."
    reason = f" ({analysis.narrative_reason})" if analysis.narrative_reason else ""
    return f"Written by Super Chart's rules{reason}."


MAX_SPIKE_ROWS = 50  # a report lists the most recent spikes; it says when there were more
