"""Text -> indicator specs and EMA periods, with the one cap on lines per request.

``MAX_LINES`` bounds EMAs and indicator instances together, and is checked while parsing: a
request for 999 EMAs stops at the 13th, before anything is loaded or computed (it used to cost
16 s and 10-15 GB on 1M bars).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from app.core.errors import ParameterError, shorten
from app.core.indicators.catalog import MAX_LINES, MAX_PERIOD, MIN_PERIOD
from app.core.indicators.spec import PARAMETER, IndicatorSpec

_WHOLE_TEXT = re.compile(r"[0-9]{1,9}")  # ASCII digits: int() also reads "١٤", "１４", "1_4"

TOO_MANY = (
    f"at most {MAX_LINES} lines per request, EMAs and indicators together "
    "(each indicator instance is one line, e.g. MACD)"
)


def parse_indicators(text: str | Iterable[str | IndicatorSpec] | None) -> tuple[IndicatorSpec, ...]:
    """``"rsi:14,macd,ma:20"`` -> specs (``ma:N`` = ``sma:N``; omitted parameters take the
    defaults; repeats dropped). A list of tokens or specs works too. ParameterError naming
    ``indicators`` and what is allowed: unknown names, bad parameters, more than MAX_LINES."""
    if text is None:
        return ()
    parts = text.split(",") if isinstance(text, str) else list(text)
    specs: dict[IndicatorSpec, None] = {}
    for part in parts:
        if isinstance(part, IndicatorSpec):
            spec = part
        else:
            token = str(part).strip()
            if not token:
                continue
            name, *params = (piece.strip() for piece in token.split(":"))
            if not name:
                shown = shorten(token)
                message = f"Indicator {shown!r} has no name; write name:param, like rsi:14."
                raise ParameterError(PARAMETER, message)
            spec = IndicatorSpec(name, tuple(params))
        specs[spec] = None
        if len(specs) > MAX_LINES:
            raise ParameterError(PARAMETER, f"Too many indicators: {TOO_MANY}.")
    return tuple(specs)


def parse_ema_periods(value: str | Sequence[int] | None, default: Sequence[int]) -> tuple[int, ...]:
    """``"10,21"`` / ``[10, 21]`` -> ``(10, 21)``; None -> default; ``""`` -> none.
    ParameterError naming ``emas``, the allowed range and the line cap otherwise."""
    if value is None:
        return tuple(default)
    allowed = f"whole numbers from {MIN_PERIOD} to {MAX_PERIOD}, comma-separated (e.g. 10,21,50)"
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",") if p.strip()]
    else:
        parts = list(value)
    periods: list[int] = []
    for part in parts:
        try:
            if isinstance(part, bool):
                raise ValueError
            if isinstance(part, str) and not _WHOLE_TEXT.fullmatch(part.strip()):
                raise ValueError
            number = int(part) if not isinstance(part, float) or part.is_integer() else None
            if number is None:
                raise ValueError
        except (TypeError, ValueError):
            shown = shorten(part) if isinstance(part, str) else part
            message = f"EMA period {shown!r} is not valid; use {allowed}."
            raise ParameterError("emas", message) from None
        if not MIN_PERIOD <= number <= MAX_PERIOD:
            raise ParameterError("emas", f"EMA period {number} is out of range; use {allowed}.")
        if number not in periods:
            periods.append(number)
            if len(periods) > MAX_LINES:
                raise ParameterError("emas", f"Too many EMAs: {TOO_MANY}.")
    return tuple(periods)


def count_lines(emas: Sequence[int], specs: Sequence[IndicatorSpec]) -> int:
    """Lines a request draws: each EMA period and each indicator instance (an ``ema:N``
    indicator that repeats one of ``emas`` is the same line)."""
    periods = set(emas)
    extra = [s for s in specs if not (s.name == "ema" and s.params[0] in periods)]
    return len(periods) + len(extra)


def check_line_count(emas: Sequence[int], specs: Sequence[IndicatorSpec]) -> None:
    """ParameterError (``indicators``) when EMAs and indicators together pass MAX_LINES."""
    lines = count_lines(emas, specs)
    if lines > MAX_LINES:
        message = f"Too many lines: {lines} asked for; {TOO_MANY}."
        raise ParameterError(PARAMETER, message)
