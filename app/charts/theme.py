"""The one look both engines share: TradingView's dark (and light) theme, the EMA palette and the
indicator palette. The page's JavaScript gets these through ``chart_options``; the Plotly engine
reads them here."""

from __future__ import annotations

import colorsys
from collections.abc import Sequence

BACKGROUND = "#131722"
PANEL = "#1e222d"
TEXT = "#d1d4dc"
MUTED_TEXT = "#9598a1"  # captions and summaries
LINK = "#5b8cff"
GRID = "#2a2e39"
BORDER = "#363a45"
UP = "#26a69a"
DOWN = "#ef5350"
UP_VOLUME = "rgba(38, 166, 154, 0.5)"
DOWN_VOLUME = "rgba(239, 83, 80, 0.5)"
FONT_FAMILY = "-apple-system, BlinkMacSystemFont, 'Trebuchet MS', Roboto, Ubuntu, sans-serif"

EMA_PALETTE: tuple[str, ...] = (
    "#2962ff",  # blue
    "#ff9800",  # orange
    "#e040fb",  # magenta
    "#00e5ff",  # cyan
    "#ffeb3b",  # yellow
    "#8bc34a",  # green
    # Up to the 12-line cap: lighter tints of the six above.
    "#90caf9",
    "#ffcc80",
    "#f8bbd0",
    "#80cbc4",
    "#fff59d",
    "#c5e1a5",
)
ACCENT = EMA_PALETTE[0]  # controls that are on, focus, the spinner
# The price drawn as a line (line and area charts): a grey readable on both themes, never one
# of the palettes' colours (it used to be EMA 10's blue).
PRICE_LINE = "#787b86"


def ema_color(period: int, offered: Sequence[int]) -> str:
    """Colour of one EMA line, by the period's place among all periods offered (not only those
    shown), so that hiding one line never recolours the others."""
    ordered = sorted(set(offered) | {period})
    return EMA_PALETTE[ordered.index(period) % len(EMA_PALETTE)]


# Light theme: the colours that differ from the dark one.
LIGHT_BACKGROUND = "#ffffff"
LIGHT_TEXT = "#131722"
LIGHT_MUTED_TEXT = "#787b86"
LIGHT_GRID = "#f0f3fa"
LIGHT_BORDER = "#e0e3eb"

# Colours of indicator instances (not EMA-like, so an SMA never looks like an EMA). An instance
# starts at the palette place its token hashes to and takes the next free one, so it keeps its
# colour while others come and go; the page's indicators.js does the very same.
INDICATOR_PALETTE: tuple[str, ...] = (
    "#e91e63",
    "#ff7043",
    "#ab47bc",
    "#66bb6a",
    "#ffb74d",
    "#5c6bc0",
    "#fdd835",
    "#8d6e63",
    "#bdbdbd",
    "#f06292",
)
# The second output of an indicator (MACD's signal, Stochastic's %D, Bollinger's basis) takes
# the colour paired with the instance's own: a hue far from it (Stochastic's %K and %D were both
# orange) and from every EMA's, so no two lines of a chart share a colour. Bollinger's upper and
# lower bands are one band: they share the instance's colour.
SECOND_OUTPUT_PALETTE: tuple[str, ...] = (
    "#00bfa5",
    "#29b6f6",
    "#d4e157",
    "#ce93d8",
    "#9575cd",
    "#ff8a65",
    "#7e57c2",
    "#4db6ac",
    "#ef9a9a",
    "#26c6da",
)
GUIDE = MUTED_TEXT  # an oscillator's level lines (RSI 30/70), dashed


def _token_hash(token: str) -> int:
    """The page's ``hashOf``: ``hash * 31 + code`` over the characters, as an unsigned 32-bit."""
    value = 0
    for char in token:
        value = (value * 31 + ord(char)) & 0xFFFFFFFF
    return value


def _generated(place: int, lightness: float, hue_offset: float) -> str:
    """The ``place``-th colour past the palettes: hues a golden angle apart (never two alike,
    however many), at one lightness and saturation readable on both themes."""
    hue = (hue_offset + place * 0.381966) % 1.0
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, 0.75)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


def extra_indicator_color(place: int) -> str:
    """An instance's colour once the palette is used up (more instances than its colours)."""
    return _generated(place, 0.6, 0.05)


def extra_second_color(place: int) -> str:
    """The second output's colour paired with :func:`extra_indicator_color` of ``place``:
    darker, and half a turn of the hue away."""
    return _generated(place, 0.42, 0.55)


def extra_palettes(count: int) -> tuple[list[str], list[str]]:
    """The first ``count`` colours past the palettes and their paired second colours, for the
    page (``chart_options``), which takes them in the same order."""
    return (
        [extra_indicator_color(i) for i in range(count)],
        [extra_second_color(i) for i in range(count)],
    )


def indicator_colors(tokens: Sequence[str]) -> list[str]:
    """One colour per indicator token, in the order added (``"rsi:14"``, ``"macd:12:26:9"``):
    the palette place of its hash, or the next one not taken yet; past the palette, the first
    generated colour not taken (:func:`extra_indicator_color`), so no two instances share one."""
    used: list[str] = []
    size = len(INDICATOR_PALETTE)
    for token in tokens:
        start = _token_hash(token) % size
        candidates = (INDICATOR_PALETTE[(start + i) % size] for i in range(size))
        color = next((c for c in candidates if c not in used), None)
        place = 0
        while color is None:
            generated = extra_indicator_color(place)
            color = generated if generated not in used else None
            place += 1
        used.append(color)
    return used


def _extra_place(color: str) -> int | None:
    """Which generated colour ``color`` is, if it is one (instances past the palette)."""
    for place in range(len(INDICATOR_PALETTE) * 10):
        if extra_indicator_color(place) == color:
            return place
    return None


def output_color(instance_color: str, name: str, index: int) -> str:
    """The colour of an indicator's ``index``-th output (0: the instance's own; the second the
    paired colour; Bollinger's lower band, its third, the instance's own again)."""
    if index != 1:
        return instance_color
    if instance_color in INDICATOR_PALETTE:
        return SECOND_OUTPUT_PALETTE[INDICATOR_PALETTE.index(instance_color)]
    place = _extra_place(instance_color)
    return SECOND_OUTPUT_PALETTE[0] if place is None else extra_second_color(place)
