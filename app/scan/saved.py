"""The files a flagged symbol leaves in RESULTS_DIR: its data, its chart page, its report."""

from __future__ import annotations

from pathlib import Path

import plotly.io as pio

from app.charts.lightweight import ohlcv_columns
from app.core.analysis import DEFAULT_SIGMA, DEFAULT_WINDOW, analyse
from app.reports import render_html_report
from app.reports.figure import report_figure
from app.scan.results import PLOTLY_JS, safe_part, write_json
from app.scan.scan_one import SymbolScan


def save_flagged(folder: Path, run: str, row: SymbolScan) -> dict[str, str]:
    """Write ``{pair}_{timeframe}_{run}_data.json``, ``_chart.html`` and ``_report.html``;
    returns ``{"data": name, "chart": name, "report": name}``. Blocking."""
    assert row.view is not None and row.timeframe is not None
    view = row.view
    stem = f"{safe_part(row.symbol)}_{safe_part(row.timeframe)}_{run}"
    names = {kind: f"{stem}_{kind}.{ext}" for kind, ext in _KINDS}
    result = analyse(view, lookback=len(view.frame))
    write_json(
        folder / names["data"],
        {
            "pair": row.symbol,
            "timeframe": row.timeframe,
            "run": run,
            "spikes": [spike.as_json() for spike in row.spikes],
            "analysis": result.as_json(),
            "bars": ohlcv_columns(view),
        },
    )
    drawn = report_figure(view, result)  # once, for the chart page and the report
    chart = pio.to_html(
        drawn[0],
        full_html=True,
        include_plotlyjs=PLOTLY_JS,
        config={"displaylogo": False, "responsive": True},
        div_id="chart",
    )
    (folder / names["chart"]).write_text(chart, encoding="utf-8")
    report = render_html_report(
        view,
        result,
        spike_window=DEFAULT_WINDOW,
        spike_sigma=DEFAULT_SIGMA,
        plotly_src=PLOTLY_JS,
        figure=drawn,
    )
    (folder / names["report"]).write_text(report, encoding="utf-8")
    return names


_KINDS = (("data", "json"), ("chart", "html"), ("report", "html"))
