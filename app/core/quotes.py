"""A symbol's quote: the newest close against the close of the bar before it at a timeframe.

Pure functions on the bar arrays (no I/O): ``/api/quotes`` and the live watchlist share them.
"""

from __future__ import annotations

import math
import threading
import weakref

import numpy as np
import pandas as pd

from app.core.errors import ParameterError
from app.core.frame import epoch_nanoseconds
from app.core.timeframes import Timeframe, bin_starts_ns

PCT_DECIMALS = 4
MAX_SYMBOL_CHARS = 100


def quote_from_arrays(
    symbol: str, times_ns: np.ndarray, closes: np.ndarray, timeframe: Timeframe
) -> dict[str, object]:
    """``{"symbol", "time", "last", "previous_close", "change", "change_pct"}``: ``last`` the
    newest close, ``previous_close`` the last close before the newest bar's ``timeframe`` bin
    (yesterday's close for ``1d``), ``change_pct`` in percent; ``None`` where there is no bar
    before (or it closed at 0).

    >>> import numpy as np
    >>> from app.core.timeframes import parse_timeframe
    >>> day = 86_400 * 10**9
    >>> times = np.array([0, day, day + 3600 * 10**9])
    >>> quote_from_arrays("X", times, np.array([10.0, 11.0, 12.5]), parse_timeframe("1d"))
    {'symbol': 'X', 'time': 90000, 'last': 12.5, 'previous_close': 10.0, 'change': 2.5, 'change_pct': 25.0}
    """  # noqa: E501
    n = len(times_ns)
    if n == 0:
        return {"symbol": symbol, "error": "The symbol has no bars yet."}
    last = float(closes[n - 1])
    bin_start = int(bin_starts_ns(times_ns[n - 1 : n], timeframe)[0])
    before = int(np.searchsorted(times_ns[:n], bin_start, side="left")) - 1
    previous = float(closes[before]) if before >= 0 else None
    change = change_pct = None
    if previous is not None and math.isfinite(previous):
        change = _tidy(last - previous)
        if previous != 0:
            change_pct = round((last - previous) / abs(previous) * 100, PCT_DECIMALS)
    return {
        "symbol": symbol,
        "time": int(times_ns[n - 1]) // 1_000_000_000,
        "last": last,
        "previous_close": previous,
        "change": change,
        "change_pct": change_pct,
    }


def quote_from_frame(symbol: str, frame: pd.DataFrame, timeframe: Timeframe) -> dict[str, object]:
    if len(frame) == 0:
        return {"symbol": symbol, "error": "The symbol has no bars yet."}
    times, closes = bar_arrays(frame)
    return quote_from_arrays(symbol, times, closes, timeframe)


# A data source hands out the same frame object while its data is unchanged: its time and close
# arrays are taken once per frame (pandas' column access costs ~1 ms a symbol; a 100-symbol
# watchlist would spend its whole budget there), and forgotten when the frame is.
_ARRAYS: dict[int, tuple[weakref.ref, np.ndarray, np.ndarray]] = {}
_ARRAYS_LOCK = threading.Lock()


def bar_arrays(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``(times_ns, closes)`` of a canonical frame, cached by the frame's identity."""
    key = id(frame)
    held = _ARRAYS.get(key)
    if held is not None and held[0]() is frame:
        return held[1], held[2]
    times = np.ascontiguousarray(epoch_nanoseconds(frame["time"]))
    closes = np.ascontiguousarray(frame["close"].to_numpy(dtype=np.float64))
    with _ARRAYS_LOCK:
        _ARRAYS[key] = (weakref.ref(frame, lambda _r, k=key: _ARRAYS.pop(k, None)), times, closes)
    return times, closes


def _tidy(value: float) -> float:
    """A difference of two quoted prices without float noise (1.1 - 1.0 -> 0.1)."""
    return float(f"{value:.12g}")


def parse_symbol_list(value: object, cap: int, parameter: str = "symbols") -> list[str]:
    """``GOOG,EURUSD`` (or a list) -> the symbols in order, blanks dropped; ParameterError past
    ``cap`` (naming QUOTES_MAX_SYMBOLS) or for a symbol over 100 characters."""
    if isinstance(value, str):
        parts = value.split(",")
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        parts = value
    else:
        raise ParameterError(
            parameter, f"{parameter} must be a list of symbols such as GOOG,EURUSD."
        )
    symbols = [part.strip() for part in parts if part.strip()]
    if not symbols:
        raise ParameterError(parameter, f"{parameter} must name at least one symbol.")
    if len(symbols) > cap:
        raise ParameterError(
            parameter,
            f"{len(symbols)} symbols is over the cap of {cap} per request (QUOTES_MAX_SYMBOLS).",
        )
    for symbol in symbols:
        if len(symbol) > MAX_SYMBOL_CHARS:
            raise ParameterError(parameter, f"a symbol is at most {MAX_SYMBOL_CHARS} characters.")
    return symbols
