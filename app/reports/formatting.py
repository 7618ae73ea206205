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


def narrative_is_summary(analysis: Analysis) -> bool:
    """The narrative is the rule summary itself (no LLM wrote one): a report shows it once."""
    return analysis.narrative_source != "llm" and (
        not analysis.narrative or analysis.narrative == analysis.summary
    )


def number(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def narrative_note(analysis: Analysis) -> str:
    """Who wrote the narrative, and why the rules did when they did."""
    if analysis.narrative_source == "llm":
        return "Written by the configured LLM from the analysis above."
    reason = f" ({analysis.narrative_reason})" if analysis.narrative_reason else ""
    if narrative_is_summary(analysis):
        return f"No LLM narrative{reason}: the summary above is the whole text."
    return f"Written by Super Chart's rules{reason}."


MAX_SPIKE_ROWS = 50  # a report lists the most recent spikes; it says when there were more
