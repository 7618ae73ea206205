"""The two chart engines the dashboard offers, and how many bars of a window each one draws."""

from __future__ import annotations

ENGINE_PLOTLY = "plotly"
ENGINE_LIGHTWEIGHT = "lightweight"
ENGINE_LABELS = {ENGINE_PLOTLY: "Plotly", ENGINE_LIGHTWEIGHT: "Lightweight Charts"}

# Plotly candlesticks stay responsive to pan and hover up to a few thousand bars.
PLOTLY_WINDOW_BARS = 2_000
# Lightweight Charts stays smooth well past Plotly's limit; the component is handed every bar as
# JSON (~60 bytes a bar and column), so we stop at 10,000 (the page holds as many).
LIGHTWEIGHT_WINDOW_BARS = 10_000


def window_bars(engine: str) -> int:
    """Bars of the chosen timeframe one chart draws; older ones are a page away."""
    return LIGHTWEIGHT_WINDOW_BARS if engine == ENGINE_LIGHTWEIGHT else PLOTLY_WINDOW_BARS
