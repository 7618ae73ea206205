"""How many decimals a symbol's prices are quoted in, read from the data (both engines use it).

A fixed format lost the decimals of prices over 1,000 (BTC at 64,123.57 shown as 64,124) or gave
FX quotes a digit too many; the data says how it is quoted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from app.core import OhlcvView

MAX_DECIMALS = 8
SAMPLE = 2000  # prices looked at, spread over the frame: enough to see every decimal in use


def price_precision(frame: pd.DataFrame, *, max_decimals: int = MAX_DECIMALS) -> int:
    """The fewest decimals (0..``max_decimals``) that write every sampled open/high/low/close
    exactly, up to float rounding. 0 for an empty frame.

    The tolerance is absolute (a millionth of the last digit) or float rounding's, never a
    share of the price: relative to the price, 64,123.57 would pass at one decimal.

    >>> import pandas as pd
    >>> quotes = {"open": [1.1], "high": [1.12345], "low": [1.0], "close": [1.1]}
    >>> price_precision(pd.DataFrame(quotes))
    5
    >>> price_precision(pd.DataFrame({"close": [64123.57, 64000.0]}))
    2
    """
    columns = [c for c in ("open", "high", "low", "close") if c in frame.columns]
    if not columns or len(frame) == 0:
        return 0
    step = max(1, len(frame) // SAMPLE)
    values = np.concatenate([frame[c].to_numpy(dtype=np.float64)[::step] for c in columns])
    values = values[np.isfinite(values)]
    for decimals in range(max_decimals + 1):
        scaled = values * 10.0**decimals
        off = np.abs(scaled - np.round(scaled))
        if np.all(off <= np.maximum(1e-6, np.abs(scaled) * 1e-12)):
            return decimals
    return max_decimals


def price_format(decimals: int) -> str:
    """A d3 number format (Plotly's ``tickformat``/``hoverformat``) with thousands separators:
    ``,.2f`` writes 64,123.57."""
    return f",.{decimals}f"


def view_price_precision(view: OhlcvView) -> int:
    """Decimals of the data behind a view: read from the bars as the source gave them (stable
    from page to page, and right for Heikin Ashi views, whose averaged prices have more)."""
    frame = view.source_frame if view.source_frame is not None else view.frame
    return price_precision(frame)
