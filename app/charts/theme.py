"""The one look both engines share: TradingView's dark theme and the EMA palette."""

from __future__ import annotations

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
)
ACCENT = EMA_PALETTE[0]  # controls that are on, focus, the spinner


def ema_color(period: int, offered: Sequence[int]) -> str:
    """Colour of one EMA line, by the period's place among all periods offered (not only those
    shown), so that hiding one line never recolours the others."""
    ordered = sorted(set(offered) | {period})
    return EMA_PALETTE[ordered.index(period) % len(EMA_PALETTE)]
