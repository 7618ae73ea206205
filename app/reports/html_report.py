"""The standalone HTML report: one file, plotly.js inside it, no request leaves the page."""

from __future__ import annotations

import datetime as dt
import html
from functools import lru_cache

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from app.charts import theme
from app.core import OhlcvView
from app.core.analysis import Analysis
from app.core.analysis.summary_fa import is_rtl
from app.reports.figure import report_figure
from app.reports.formatting import MAX_SPIKE_ROWS, narrative_is_summary, narrative_note, number, utc

_CSS = f"""
body {{ background: {theme.BACKGROUND}; color: {theme.TEXT}; font-family: {theme.FONT_FAMILY};
  margin: 0 auto; max-width: 1200px; padding: 16px 24px; line-height: 1.45; }}
h1 {{ font-size: 1.5rem; margin: 0 0 4px; }} h2 {{ font-size: 1.1rem; margin: 24px 0 8px; }}
.meta, .note {{ color: {theme.MUTED_TEXT}; font-size: 0.9rem; }}
table {{ border-collapse: collapse; width: 100%; font-size: 0.9rem; }}
th, td {{ border-bottom: 1px solid {theme.BORDER}; padding: 4px 8px; text-align: left; }}
th {{ color: {theme.MUTED_TEXT}; font-weight: 600; }} td.num {{ text-align: right; }}
.support {{ color: {theme.UP}; }} .resistance {{ color: {theme.DOWN}; }}
.panel {{ background: {theme.PANEL}; border: 1px solid {theme.BORDER}; border-radius: 6px;
  padding: 12px 16px; }}
"""


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    return get_plotlyjs()


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    """Cells are escaped here; a row of one cell spanning the table says it is empty."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    if not rows:
        return f"<table><tr>{head}</tr><tr><td colspan='{len(headers)}'>none</td></tr></table>"
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='num'>{_e(c)}</td>" if i in numeric else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _levels_table(analysis: Analysis) -> str:
    rows = [
        [
            lv.kind,
            analysis.price(lv.price),
            str(lv.touches),
            utc(lv.first_time, analysis.timeframe),
            utc(lv.last_time, analysis.timeframe),
            number(lv.strength, 3),
        ]
        for lv in analysis.levels
    ]
    headers = ["kind", "price", "touches", "first touch", "last touch", "strength"]
    return _table(headers, rows, {1, 2, 5})


def _spikes_table(analysis: Analysis) -> tuple[str, str]:
    spikes = list(analysis.volume_spikes)[-MAX_SPIKE_ROWS:][::-1]
    rows = [
        [
            utc(s.time, analysis.timeframe),
            number(s.volume),
            number(s.mean),
            number(s.std),
            number(s.zscore) if s.zscore is not None else "flat window",
            number(s.confidence, 3),
        ]
        for s in spikes
    ]
    total = len(analysis.volume_spikes)
    note = (
        f"The {MAX_SPIKE_ROWS} most recent of {total} spikes, newest first."
        if total > MAX_SPIKE_ROWS
        else f"{total} spike{'s' if total != 1 else ''}, newest first."
    )
    headers = ["time", "volume", "mean", "std", "z-score", "confidence"]
    return _table(headers, rows, {1, 2, 3, 4, 5}), note


def _narrative(analysis: Analysis) -> str:
    """The narrative paragraph, right-to-left when it is written in Persian (or Arabic ...)."""
    lang = _e(analysis.narrative_lang)
    direction = "rtl" if is_rtl(analysis.narrative_lang) else "ltr"
    text = _e(analysis.narrative or analysis.summary)
    return f"<p id='narrative' lang='{lang}' dir='{direction}'>{text}</p>"


def render_html_report(
    view: OhlcvView,
    analysis: Analysis,
    *,
    spike_window: int,
    spike_sigma: float,
    plotly_src: str | None = None,
    figure: tuple[go.Figure, str | None] | None = None,
) -> str:
    """The whole report as one HTML document (about 5 MB: plotly.js is inside), or, with
    ``plotly_src``, a small one loading plotly.js from that relative URL (the scan results
    folder keeps one copy for all its reports)."""
    fig, chart_note = figure or report_figure(view, analysis)  # built by the caller or here
    chart = pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        config={"displaylogo": False, "responsive": True},
        div_id="chart",
    )
    signals = _table(
        ["signal", "state", "detail"],
        [[s.label, s.state_label, s.detail] for s in analysis.signals],
    )
    spikes, spikes_note = _spikes_table(analysis)
    made = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    title = f"{analysis.symbol} {analysis.timeframe} analysis"
    rule = (
        f"volume above the mean + {spike_sigma:g} sample standard deviations of the "
        f"{spike_window} bars before"
    )
    parts = [
        "<!DOCTYPE html>",
        "<html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{_e(title)}</title><style>{_CSS}</style>",
        (
            f"<script src='{_e(plotly_src)}'></script>"
            if plotly_src
            else f"<script>{_plotly_js()}</script>"
        ),
        "</head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p class='meta'>Last bar {_e(utc(analysis.as_of, analysis.timeframe))} · close "
        f"{_e(analysis.price(analysis.last_close))} · {analysis.bars:,} bars analysed · "
        f"made {made}</p>",
        f"<div class='panel'>{chart}</div>",
        f"<p class='note'>{_e(chart_note)}</p>" if chart_note else "",
        "<h2>Summary</h2>",
        f"<p id='summary'>{_e(analysis.summary)}</p>",
        "<h2>Narrative</h2>",
        "" if narrative_is_summary(analysis) else _narrative(analysis),
        f"<p class='note' id='narrative-note'>{_e(narrative_note(analysis))}</p>",
        "<h2>Signals</h2>",
        signals,
        "<h2>Support and resistance</h2>",
        _levels_table(analysis),
        "<h2>Volume spikes</h2>",
        f"<p class='note'>{_e(spikes_note)} A spike is a bar with {_e(rule)}.</p>",
        spikes,
        "<p class='note'>Super Chart analysis report. Not financial advice.</p>",
        "</body></html>",
    ]
    return "\n".join(part for part in parts if part)
