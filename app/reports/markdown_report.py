"""The Markdown report: the same sections as the HTML one, without the chart."""

from __future__ import annotations

from app.core.analysis import Analysis
from app.reports.formatting import MAX_SPIKE_ROWS, narrative_note, number, price, utc


def _cell(text: object) -> str:
    """A table cell: pipes escaped, lines joined."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    if not rows:
        return ["None."]
    lines = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def render_markdown_report(analysis: Analysis, *, spike_window: int, spike_sigma: float) -> str:
    spikes = list(analysis.volume_spikes)[-MAX_SPIKE_ROWS:][::-1]
    total = len(analysis.volume_spikes)
    lines = [
        f"# {analysis.symbol} {analysis.timeframe} analysis",
        "",
        f"Last bar {utc(analysis.as_of)}, close {price(analysis.last_close)}, "
        f"{analysis.bars:,} bars analysed.",
        "",
        "## Summary",
        "",
        analysis.summary,
        "",
        "## Narrative",
        "",
        analysis.narrative or analysis.summary,
        "",
        f"_{narrative_note(analysis)}_",
        "",
        "## Signals",
        "",
        *_table(
            ["signal", "state", "detail"], [[s.name, s.state, s.detail] for s in analysis.signals]
        ),
        "",
        "## Support and resistance",
        "",
        *_table(
            ["kind", "price", "touches", "first touch", "last touch", "strength"],
            [
                [
                    lv.kind,
                    price(lv.price),
                    str(lv.touches),
                    utc(lv.first_time),
                    utc(lv.last_time),
                    number(lv.strength, 3),
                ]
                for lv in analysis.levels
            ],
        ),
        "",
        "## Volume spikes",
        "",
        f"{'The ' + str(MAX_SPIKE_ROWS) + ' most recent of ' if total > MAX_SPIKE_ROWS else ''}"
        f"{total} spike{'s' if total != 1 else ''}, newest first: bars with volume above the "
        f"mean + {spike_sigma:g} sample standard deviations of the {spike_window} bars before.",
        "",
        *_table(
            ["time", "volume", "mean", "std", "z-score", "confidence"],
            [
                [
                    utc(s.time),
                    number(s.volume),
                    number(s.mean),
                    number(s.std),
                    number(s.zscore) if s.zscore is not None else "flat window",
                    number(s.confidence, 3),
                ]
                for s in spikes
            ],
        ),
        "",
        "_Super Chart analysis report. Not financial advice._",
        "",
    ]
    return "\n".join(lines)
