"""The Plotly figure's layout: the price pane (volume at its foot), one pane per own-pane
indicator under it, one shared time axis, the dark theme and per-pane legends.

Axes: ``y`` is the price, ``y2`` the volume (overlaying the price pane, its bars kept to the
lowest ``VOLUME_SHARE`` of it, as on TradingView), ``y3``, ``y4``... one per indicator pane, top
to bottom. One ``x`` axis, anchored to the lowest pane, serves every pane: zoom and crosshair are
shared.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from app.charts import theme
from app.charts.precision import price_format

VOLUME_TRACE = "Volume"
VOLUME_SHARE = 0.2  # of the price pane's height, at its foot
PANE_GAP = 0.03
FIRST_PANE_AXIS = 3  # y3 is the first indicator pane
CHAR_PX = 7.2  # a digit's width at the axes' 12 px font
VOLUME_LABEL_MARGIN = 22  # px left of the panes: the "Volume" label, turned upright


def pane_domains(panes: int) -> tuple[tuple[float, float], list[tuple[float, float]]]:
    """(price domain, [domain of each indicator pane, top to bottom]) as fractions of the plot
    height. The price keeps at least half; each pane gets up to a fifth."""
    if panes == 0:
        return (0.0, 1.0), []
    height = min(0.2, 0.5 / panes)
    price_bottom = panes * (height + PANE_GAP)  # each pane: its height and a gap above it
    domains = []
    for index in range(panes):
        top = price_bottom - PANE_GAP - index * (height + PANE_GAP)
        domains.append((round(max(top - height, 0.0), 6), round(top, 6)))
    return (round(price_bottom, 6), 1.0), domains


def pane_axis(index: int) -> str:
    """The y axis name of indicator pane ``index`` (0: the top one): ``y3``, ``y4``..."""
    return f"y{FIRST_PANE_AXIS + index}"


def pane_legend(index: int) -> str:
    """The legend of indicator pane ``index``: ``legend2``, ``legend3``..."""
    return f"legend{index + 2}"


def price_floor(low: np.ndarray) -> float | None:
    """The lowest price the axis may show: 0 when no bar trades under it (a price the data
    cannot have is never a tick, whatever a band below the bars, such as a Bollinger lower band
    on a steep rally, would ask of the autorange); None for data that goes negative
    (spreads)."""
    finite = low[np.isfinite(low)]
    if finite.size and float(finite.min()) < 0:
        return None
    return 0.0


def tick_label_chars(values: np.ndarray, value_format: str) -> int:
    """How many characters the widest tick label of ``values`` in the d3 ``value_format`` has
    (``,.2f`` written out; other formats, such as ``.4~s``, at most 7)."""
    finite = values[np.isfinite(values)]
    found = re.fullmatch(r"(,?)\.(\d+)f", value_format)
    if not finite.size or not found:
        return 7
    comma = "," if found.group(1) else ""
    widest = max(float(finite.max()), float(finite.min()), key=abs)
    # the axis may reach a little past the data (autorange padding): one digit more
    return len(f"{widest * 1.1:{comma}.{found.group(2)}f}")


def right_margin(label_chars: int) -> int:
    """Room for the value labels right of the panes, in pixels, for ``label_chars``
    characters. Fixed, not Plotly's automargin: that draws the whole figure twice (~0.5 s for
    2,000 candles)."""
    return 12 + round(label_chars * CHAR_PX)


def _axis_style() -> dict:
    return {
        "gridcolor": theme.GRID,
        "linecolor": theme.BORDER,
        "zeroline": False,
        "automargin": False,  # see right_margin
        "showspikes": True,
        "spikecolor": theme.BORDER,
        "spikethickness": 1,
        "spikedash": "dot",
        "spikemode": "across",
    }


def _legend(y: float) -> dict:
    return {
        "orientation": "h",
        "x": 0,
        "xanchor": "left",
        "y": y,
        "yanchor": "top",
        "bgcolor": "rgba(0,0,0,0)",
        "font": {"size": 11},
    }


def figure_layout(
    *,
    title: str | None,
    notices: Sequence[str],
    ticks: tuple[Sequence[int], Sequence[str]],
    price_floor: float | None,
    decimals: int,
    max_volume: float,
    pane_formats: Sequence[str] = (),
    label_chars: int = 10,
) -> dict:
    """The layout for a price pane and ``len(pane_formats)`` indicator panes (each with its
    value format). ``ticks``: the time axis' (tickvals, ticktext) over the bars' positions
    (``plotly_time``); ``price_floor``: the lowest price the axis shows (see :func:`price_floor`);
    ``decimals``: the price's; ``max_volume`` sizes the volume axis so its bars
    stay in the foot of the price pane; ``label_chars``: the widest value label's characters
    (:func:`tick_label_chars`), which sizes the right margin."""
    axis = _axis_style()
    price_domain, domains = pane_domains(len(pane_formats))
    bottom_axis = pane_axis(len(domains) - 1) if domains else "y"
    volume_top = max_volume / VOLUME_SHARE if max_volume > 0 else 1.0
    layout: dict = {
        "template": "none",  # our colours only; no template work per figure
        "paper_bgcolor": theme.BACKGROUND,
        "plot_bgcolor": theme.BACKGROUND,
        "font": {"family": theme.FONT_FAMILY, "color": theme.TEXT, "size": 12},
        "hovermode": "x unified",
        "hoverlabel": {"bgcolor": theme.PANEL, "bordercolor": theme.BORDER},
        "dragmode": "pan",
        "showlegend": True,
        "legend": {**_legend(1.0), "yanchor": "bottom"},
        "margin": {
            "l": VOLUME_LABEL_MARGIN,
            "r": right_margin(label_chars),
            "t": 80 if title or notices else 40,
            "b": 30,
        },
        "xaxis": {
            **axis,
            "type": "linear",  # bar positions: no gaps (plotly_time)
            "anchor": bottom_axis,
            "tickmode": "array",
            "tickvals": list(ticks[0]),
            "ticktext": list(ticks[1]),
            "unifiedhovertitle": {"text": " "},  # the candle's row carries the date
            "rangeslider": {"visible": False},
        },
        "yaxis": {
            **axis,
            "domain": price_domain,
            "side": "right",
            "fixedrange": False,
            "autorangeoptions": {} if price_floor is None else {"clipmin": price_floor},
            "tickformat": price_format(decimals),
            "hoverformat": price_format(decimals),
        },
        "yaxis2": {
            "overlaying": "y",
            "range": [0, volume_top],
            "visible": False,
            "fixedrange": True,
            "showspikes": False,
        },
        "bargap": 0.1,
        "barmode": "overlay",
        "annotations": [
            {  # left of the pane, beside the volume strip: never over a candle
                "text": VOLUME_TRACE,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": price_domain[0] + (price_domain[1] - price_domain[0]) * VOLUME_SHARE / 2,
                "xanchor": "right",
                "yanchor": "middle",
                "textangle": -90,
                "showarrow": False,
                "font": {"color": theme.MUTED_TEXT, "size": 11},
            }
        ],
    }
    for index, (domain, value_format) in enumerate(zip(domains, pane_formats, strict=True)):
        name = pane_axis(index)
        layout[f"yaxis{name[1:]}"] = {
            **axis,
            "domain": domain,
            "side": "right",
            "tickformat": value_format,
            "hoverformat": value_format,
        }
        layout[pane_legend(index)] = _legend(domain[1])
    if title or notices:
        layout["title"] = {
            "text": title or "",
            "x": 0,
            "xanchor": "left",
            "font": {"size": 16},
            "subtitle": {"text": " · ".join(notices), "font": {"size": 12}},
        }
    return layout
