"""Draw an OhlcvView with TradingView Lightweight Charts through the package's StreamlitChart.

Two defects of lightweight-charts 2.1 are worked around here:
- it turns times into seconds with ``astype('int64') // 10**9``, which is only right for
  nanosecond columns; pandas 3 often hands out microseconds, giving 1970 times and no candles.
  We give it ``datetime64[ns, UTC]`` times.
- ``StreamlitChart`` draws through ``streamlit.components.v1.html``, deprecated in Streamlit 1.67
  (a warning on every rerun); we keep its self-contained page and draw it with ``st.iframe``.
The HTML inlines the package's own JS and CSS, so nothing comes from a CDN.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st
from lightweight_charts.widgets import StreamlitChart

from app.charts import theme
from app.core import OHLCV_COLUMNS, OhlcvView, ema_column

# The package pastes the font into JS string literals; unquoted family names are valid CSS.
_FONT = theme.FONT_FAMILY.replace("'", "").replace('"', "")


class _CapturedStreamlitChart(StreamlitChart):
    """A StreamlitChart that keeps its finished page instead of drawing it."""

    page: str = ""

    def _load(self) -> None:
        self.page = f"{self._html}</script></body></html>"


def _with_ns_times(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["time"] = out["time"].dt.as_unit("ns")
    return out


def ema_line_name(period: int) -> str:
    return f"EMA {period}"


def render_lightweight_chart(
    view: OhlcvView,
    *,
    data_key: str,
    offered_emas: Sequence[int],
    visible_emas: Sequence[int],
    height: int = 600,
) -> None:
    """One candlestick chart with volume and the visible EMA lines, in an iframe.

    ``data_key`` names the view's data: the page (~2.5 MB for 5,000 bars, ~0.3 s to build
    through the package) is cached on it and the visible EMAs."""
    page = _chart_page(data_key, tuple(offered_emas), tuple(visible_emas), view)
    st.iframe(page, height=height)


@st.cache_data(show_spinner=False, max_entries=16)
def _chart_page(
    data_key: str, offered_emas: tuple[int, ...], visible_emas: tuple[int, ...], _view: OhlcvView
) -> str:
    frame = _with_ns_times(_view.frame)
    chart = _CapturedStreamlitChart()
    chart.layout(background_color=theme.BACKGROUND, text_color=theme.TEXT, font_family=_FONT)
    chart.grid(color=theme.GRID)
    chart.candle_style(up_color=theme.UP, down_color=theme.DOWN)
    # Volume in the bottom fifth, candles above it: the same split as the Plotly figure.
    chart.volume_config(
        scale_margin_top=0.8, up_color=theme.UP_VOLUME, down_color=theme.DOWN_VOLUME
    )
    chart.price_scale(scale_margin_top=0.08, scale_margin_bottom=0.25)
    chart.legend(visible=True, font_family=_FONT, color=theme.TEXT)
    chart.set(frame[list(OHLCV_COLUMNS)])
    for period in visible_emas:
        column = ema_column(period)
        if column not in frame:
            continue
        name = ema_line_name(period)
        line = chart.create_line(
            name=name,
            color=theme.ema_color(period, offered_emas),
            width=2,
            price_line=False,
            price_label=False,
        )
        line.set(frame[["time", column]].rename(columns={column: name}))
    chart.fit()
    chart.load()
    return chart.page
