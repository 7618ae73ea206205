"""Which EMAs the chart page offers and shows, from the design's ``ema_<period>=true`` flags."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.core import ParameterError, parse_ema_periods
from app.core.errors import shorten
from app.web.single_values import repeated_message

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
        shown = shorten(name)
        periods = parse_ema_periods(name[4:], ()) if "," not in name else ()
        if len(periods) != 1:
            message = f"{shown}: name one EMA period per parameter, like ema_21=true."
            raise ParameterError(shown, message)
        period = periods[0]
        if period in flags:  # ema_21 and EMA_21, or ema_021: one line, two answers
            raise ParameterError(shown, repeated_message(f"ema_{period}", 2))
        word = value.strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            message = f"{shown}={shorten(value)!r} is not valid; use true or false."
            raise ParameterError(shown, message)
        flags[period] = word in TRUE_WORDS
    offered = tuple(dict.fromkeys([*default, *flags]))
    if not flags:
        return offered, tuple(default)
    return offered, tuple(p for p in offered if flags.get(p, False))


CHART_TYPES = ("candles", "hollow", "bars", "line", "area", "heikin_ashi")
SCALE_MODES = ("normal", "log", "percent")
THEMES = ("dark", "light")


def page_choice(query: Mapping[str, str], name: str, allowed: Sequence[str]) -> str:
    """One of ``allowed`` from the page's query (the first when absent), or a ParameterError
    naming what is accepted."""
    value = (query.get(name) or allowed[0]).strip().lower()
    if value not in allowed:
        choices = ", ".join(allowed)
        raise ParameterError(name, f"{name}={value[:40]!r} is not valid; use one of {choices}.")
    return value


def page_flag(query: Mapping[str, str], name: str) -> bool:
    """An on/off switch of the page (``levels=1``), false when absent."""
    word = query.get(name, "").strip().lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise ParameterError(name, f"{name}={word[:40]!r} is not valid; use true or false.")
    return word in TRUE_WORDS
