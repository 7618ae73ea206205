"""The Markdown report: the same sections as the HTML one, without the chart.

Every text in it that we did not write (the symbol, a file's name; the LLM's narrative) is text,
never markup: HTML is escaped as the HTML report escapes it (a renderer shows ``&lt;script&gt;``
as ``<script>``, runs nothing), and the characters that make links, images and code spans
(``[ ] ` *`` and the backslash) are backslash-escaped.
"""

from __future__ import annotations

import html
import re

from app.core.analysis import Analysis
from app.reports.formatting import MAX_SPIKE_ROWS, narrative_is_summary, narrative_note, number, utc

_MARKDOWN_SIGNS = re.compile(r"([\\`*\[\]])")


def md_text(value: object) -> str:
    r"""``value`` as literal Markdown text: no HTML, no link, image or code span.

    >>> print(md_text("<img src=x onerror=alert(1)> [x](javascript:y)"))
    &lt;img src=x onerror=alert(1)&gt; \[x\](javascript:y)
    """
    return html.escape(_MARKDOWN_SIGNS.sub(r"\\\1", str(value)), quote=True)


def _cell(text: object) -> str:
    """A table cell: literal text, pipes escaped, lines joined."""
    return md_text(text).replace("|", "\\|").replace("\n", " ")


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
        f"# {md_text(analysis.symbol)} {md_text(analysis.timeframe)} analysis",
        "",
        f"Last bar {utc(analysis.as_of, analysis.timeframe)}, "
        f"close {analysis.price(analysis.last_close)}, "
        f"{analysis.bars:,} bars analysed.",
        "",
        "## Summary",
        "",
        md_text(analysis.summary),
        "",
        "## Narrative",
        "",
        *([] if narrative_is_summary(analysis) else [md_text(analysis.narrative), ""]),
        f"_{md_text(narrative_note(analysis))}_",
        "",
        "## Signals",
        "",
        *_table(
            ["signal", "state", "detail"],
            [[s.label, s.state_label, s.detail] for s in analysis.signals],
        ),
        "",
        "## Support and resistance",
        "",
        *_table(
            ["kind", "price", "touches", "first touch", "last touch", "strength"],
            [
                [
                    lv.kind,
                    analysis.price(lv.price),
                    str(lv.touches),
                    utc(lv.first_time, analysis.timeframe),
                    utc(lv.last_time, analysis.timeframe),
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
                    utc(s.time, analysis.timeframe),
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
