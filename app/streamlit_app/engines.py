"""The two chart engines the dashboard offers, and how many bars each one draws well."""

from __future__ import annotations

from app.charts.plotly_charts import MAX_FIGURE_BARS, fit_view
from app.core import OhlcvView

ENGINE_PLOTLY = "plotly"
ENGINE_LIGHTWEIGHT = "lightweight"
ENGINE_LABELS = {ENGINE_PLOTLY: "Plotly", ENGINE_LIGHTWEIGHT: "Lightweight Charts"}

# Lightweight Charts stays smooth well past Plotly's limit, but the package's page goes blank near
# 20,000 bars and weighs ~0.5 KB per bar (its JSON is indented), so we stop at 10,000.
LIGHTWEIGHT_MAX_BARS = 10_000


def max_bars(engine: str) -> int:
    return LIGHTWEIGHT_MAX_BARS if engine == ENGINE_LIGHTWEIGHT else MAX_FIGURE_BARS


def fit_for_engine(view: OhlcvView, max_bars: int) -> tuple[OhlcvView, str | None]:
    """At most ``max_bars`` bars: a coarser timeframe or a window, with a notice saying so
    (the Plotly engine's rule, shared with the Dash app)."""
    return fit_view(view, max_bars=max_bars)
