"""How many decimals a symbol's prices are quoted in, read from the data (both engines use it).

A fixed format lost the decimals of prices over 1,000 (BTC at 64,123.57 shown as 64,124) or gave
FX quotes a digit too many; the data says how it is quoted.
"""

from __future__ import annotations

from app.core import OhlcvView
from app.core.precision import MAX_DECIMALS, SAMPLE, price_precision

__all__ = ["MAX_DECIMALS", "SAMPLE", "price_format", "price_precision", "view_price_precision"]


def price_format(decimals: int) -> str:
    """A d3 number format (Plotly's ``tickformat``/``hoverformat``) with thousands separators:
    ``,.2f`` writes 64,123.57."""
    return f",.{decimals}f"


def view_price_precision(view: OhlcvView) -> int:
    """Decimals of the data behind a view: read from the bars as the source gave them (stable
    from page to page, and right for Heikin Ashi views, whose averaged prices have more)."""
    frame = view.source_frame if view.source_frame is not None else view.frame
    return price_precision(frame)
