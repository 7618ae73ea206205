"""Numbers and times as both report formats write them."""

from __future__ import annotations

from app.core.analysis import Analysis
from app.core.bar_dates import INTRADAY_FORMAT, bar_time_format, format_bar_time


def utc(seconds: int | None, timeframe: str | None = None) -> str:
    """UNIX seconds as a bar of ``timeframe`` is written (the core's rule): ``2024-01-31 14:00
    UTC`` intraday, ``2024-01-31`` daily and weekly, ``Jan '24`` monthly.

    >>> utc(1706709600), utc(1706659200, "1d"), utc(1704067200, "1M")
    ('2024-01-31 14:00 UTC', '2024-01-31', "Jan '24")
    """
    if seconds is None:
        return "-"
    text = format_bar_time(int(seconds), timeframe)
    return text + " UTC" if bar_time_format(timeframe) == INTRADAY_FORMAT else text


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
