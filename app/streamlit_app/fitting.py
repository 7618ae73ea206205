"""Fit a large request into what one chart can carry (at most MAX_FIGURE_BARS bars)."""

from __future__ import annotations

from app.charts.plotly_charts import fit_view
from app.core import OhlcvView


def fit_for_chart(view: OhlcvView) -> tuple[OhlcvView, str | None]:
    return fit_view(view)
