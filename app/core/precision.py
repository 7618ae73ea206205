"""How many decimals a symbol's prices are quoted in, read from the data (both engines, the
rule summaries in every language and the reports use it).

A fixed format lost the decimals of prices over 1,000 (BTC at 64,123.57 shown as 64,124) or gave
FX quotes a digit too many; the data says how it is quoted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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


def format_price(value: float, decimals: int) -> str:
    """``value`` with thousands separators at ``decimals`` places.

    >>> format_price(64123.5, 2), format_price(1.1, 5)
    ('64,123.50', '1.10000')
    """
    return f"{value:,.{decimals}f}"


def magnitude_decimals(value: float) -> int:
    """Decimals for a price whose symbol's precision is unknown: 2 from 1 up, more for small
    coins (the fallback only; a symbol's own precision wins).

    >>> magnitude_decimals(27000.0), magnitude_decimals(0.00123)
    (2, 6)
    """
    magnitude = abs(value)
    if magnitude >= 1 or magnitude == 0 or not np.isfinite(magnitude):
        return 2
    return min(10, int(-np.floor(np.log10(magnitude))) + 3)


def price_text(value: float | None, decimals: int | None) -> str:
    """The one way a price is written for people (summaries, LLM facts, reports, metrics,
    captions, labels): at the symbol's ``decimals``; by magnitude when they are unknown;
    ``-`` for no price.

    >>> price_text(1.2291400001, 5), price_text(64123.5, 2), price_text(0.5, None)
    ('1.22914', '64,123.50', '0.5000')
    """
    if value is None or not np.isfinite(value):
        return "-"
    return format_price(value, magnitude_decimals(value) if decimals is None else decimals)


def signed_price_text(value: float, decimals: int | None) -> str:
    """A price change with its sign, at the same decimals as the price (``+0.00214``).

    >>> signed_price_text(0.002141, 5), signed_price_text(-12.5, 2)
    ('+0.00214', '-12.50')
    """
    text = price_text(abs(value), decimals if decimals is not None else magnitude_decimals(value))
    return ("-" if value < 0 else "+") + text
