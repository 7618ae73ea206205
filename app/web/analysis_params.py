"""The analysis routes' query parameters and their caps, shared by /api/analysis and /report.

Every cap is checked by FastAPI before any bar is loaded; a value outside it is a 422 naming the
parameter and the limit.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from app.core.analysis import DEFAULT_LEVELS, DEFAULT_LOOKBACK, DEFAULT_SIGMA, DEFAULT_WINDOW
from app.web.query_numbers import ASCII_DIGITS

MAX_LOOKBACK = 20_000
MIN_LOOKBACK = 20
MAX_LEVELS = 20
MIN_SPIKE_WINDOW, MAX_SPIKE_WINDOW = 5, 500
MIN_SPIKE_SIGMA, MAX_SPIKE_SIGMA = 0.5, 20.0
LANG_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$"

Symbol = Annotated[str | None, Query(max_length=200, description="Default: DEFAULT_SYMBOL.")]
TimeframeParam = Annotated[
    str | None, Query(max_length=10, description="e.g. 1h; default the data's own.")
]
End = Annotated[
    str | None,
    Query(
        max_length=40, description="Last bar analysed (ISO 8601 or UNIX seconds); default newest."
    ),
]
Lookback = Annotated[
    int,
    Query(ge=MIN_LOOKBACK, le=MAX_LOOKBACK, description="Bars analysed, ending at `end`."),
    ASCII_DIGITS,
]
Levels = Annotated[
    int, Query(ge=1, le=MAX_LEVELS, description="Most levels reported."), ASCII_DIGITS
]
SpikeWindow = Annotated[
    int,
    Query(
        ge=MIN_SPIKE_WINDOW,
        le=MAX_SPIKE_WINDOW,
        description="Previous volumes a bar is compared with.",
    ),
    ASCII_DIGITS,
]
SpikeSigma = Annotated[
    float,
    Query(
        ge=MIN_SPIKE_SIGMA,
        le=MAX_SPIKE_SIGMA,
        allow_inf_nan=False,
        description="Standard deviations above the mean that make a spike.",
    ),
    ASCII_DIGITS,
]
Lang = Annotated[
    str | None,
    Query(
        max_length=20,
        pattern=LANG_PATTERN,
        description="Language code of the LLM narrative (e.g. en, fa, pt-BR).",
    ),
]

Feed = Annotated[
    str | None,
    Query(
        max_length=40,
        description="Source to ask (files, api, ccxt, binance, pyth, udf); FEED_FALLBACK after it. "
        "Default: the symbol's prefix (PYTH:Crypto.BTC/USD) or DATA_SOURCE.",
    ),
]

DEFAULTS = {
    "lookback": DEFAULT_LOOKBACK,
    "levels": DEFAULT_LEVELS,
    "spike_window": DEFAULT_WINDOW,
    "spike_sigma": DEFAULT_SIGMA,
}
