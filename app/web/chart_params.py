"""Which EMAs the chart page offers and shows, from the design's ``ema_<period>=true`` flags."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.core import ParameterError, parse_ema_periods

TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off", ""}


def ema_flags(
    query: Mapping[str, str], default: Sequence[int]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``(offered, shown)`` periods. Offered: the default periods plus any flagged in the URL;
    shown: those flagged true, or every default when no flag is given."""
    flags: dict[int, bool] = {}
    for name, value in query.items():
        if not name.lower().startswith("ema_"):
            continue
        (period,) = parse_ema_periods(name[4:] or "?", ()) or (None,)
        if period is None:
            raise ParameterError(name, f"{name}: no EMA period in the parameter name.")
        word = value.strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            raise ParameterError(name, f"{name}={value!r} is not valid; use true or false.")
        flags[period] = word in TRUE_WORDS
    offered = tuple(dict.fromkeys([*default, *flags]))
    if not flags:
        return offered, tuple(default)
    return offered, tuple(p for p in offered if flags.get(p, False))
