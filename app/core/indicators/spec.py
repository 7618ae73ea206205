"""One indicator instance: a catalog name and its parameters, checked when it is made."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from app.core.errors import ParameterError, shorten
from app.core.indicators.catalog import ALIASES, CATALOG, IndicatorDef, Param

PARAMETER = "indicators"  # the request parameter every error here names
# Parameters written in a URL: ASCII digits only (int() and float() also read "١٤", "１４" and
# "1_4" as 14, so rsi:１４ was silently rsi:14).
WHOLE_TEXT = re.compile(r"[+-]?[0-9]{1,15}")
NUMBER_TEXT = re.compile(
    r"[+-]?(?:[0-9]{1,15}(?:\.[0-9]{0,15})?|\.[0-9]{1,15})(?:[eE][+-]?[0-9]{1,3})?"
)


def format_param(value: int | float) -> str:
    """A parameter as it appears in a column name or token: ``20``, ``2`` (for 2.0), ``0.02``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # not for 1e308: a 309-digit number
    return str(value)


def known_names() -> str:
    names = [
        f"{d.name} ({', '.join(d.aliases)})" if d.aliases else d.name for d in CATALOG.values()
    ]
    return ", ".join(names)


def definition_of(name: object) -> IndicatorDef:
    """The catalog entry for ``name`` (any case, aliases such as ``ma``), or a ParameterError
    listing every name."""
    key = str(name).strip().lower()
    definition = CATALOG.get(ALIASES.get(key, key))
    if definition is None:
        message = f"Unknown indicator {shorten(name)!r}; use one of: {known_names()}."
        raise ParameterError(PARAMETER, message)
    return definition


def _allowed(definition: IndicatorDef, param: Param) -> str:
    kind = "a whole number" if param.kind == "int" else "a number"
    return (
        f"{definition.name} {param.name} must be {kind} from {format_param(param.min)} to "
        f"{format_param(param.max)} (default {format_param(param.default)})"
    )


def check_param(definition: IndicatorDef, param: Param, value: object) -> int | float:
    """``value`` (a number, or text from a URL) as the parameter's type, in its range."""
    number: int | float | None = None
    if isinstance(value, str):
        text = value.strip()
        pattern = WHOLE_TEXT if param.kind == "int" else NUMBER_TEXT
        number = None
        if pattern.fullmatch(text):
            number = int(text) if param.kind == "int" else float(text)
    elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        number = value.item() if isinstance(value, np.generic) else value
        if param.kind == "int" and isinstance(number, float):
            number = int(number) if number.is_integer() else None
    if number is None or (isinstance(number, float) and not math.isfinite(number)):
        raise ParameterError(PARAMETER, f"{_allowed(definition, param)}, got {shorten(value)!r}.")
    number = int(number) if param.kind == "int" else float(number)
    if not param.min <= number <= param.max:
        got = shorten(format_param(number), 24)
        raise ParameterError(PARAMETER, f"{_allowed(definition, param)}, got {got}.")
    return number


@dataclass(frozen=True)
class IndicatorSpec:
    """``IndicatorSpec("macd", (12, 26, 9))``; omitted trailing parameters take the defaults,
    so ``IndicatorSpec("rsi")`` is RSI 14. Made only valid: a bad name or parameter is a
    ParameterError naming the ``indicators`` parameter and what is allowed."""

    name: str
    params: tuple[int | float, ...] = ()

    def __post_init__(self) -> None:
        definition = definition_of(self.name)
        given = tuple(self.params)
        if len(given) > len(definition.params):
            takes = ", ".join(p.name for p in definition.params) or "no parameters"
            message = (
                f"{definition.name} takes {len(definition.params)} parameter(s) ({takes}), "
                f"got {len(given)}."
            )
            raise ParameterError(PARAMETER, message)
        params = tuple(
            check_param(definition, param, given[i]) if i < len(given) else param.default
            for i, param in enumerate(definition.params)
        )
        _check_together(definition, params)
        object.__setattr__(self, "name", definition.name)
        object.__setattr__(self, "params", params)

    @property
    def definition(self) -> IndicatorDef:
        return CATALOG[self.name]

    @property
    def suffix(self) -> str:
        return "".join(f"_{format_param(p)}" for p in self.params)

    @property
    def columns(self) -> tuple[str, ...]:
        """Output column names: ``rsi_14``; ``macd_12_26_9``, ``macd_signal_12_26_9``, ..."""
        return tuple(output + self.suffix for output in self.definition.outputs)

    @property
    def token(self) -> str:
        """The canonical text: ``macd:12:26:9``, ``obv``."""
        return ":".join([self.name, *(format_param(p) for p in self.params)])

    @property
    def label(self) -> str:
        """The legend title: ``MACD 12 26 9``, ``OBV``."""
        return " ".join([self.definition.label, *(format_param(p) for p in self.params)])

    @property
    def pane(self) -> str:
        return self.definition.pane

    @property
    def warmup(self) -> int:
        """An upper bound on the bars before the first value (for fetching a window's history
        from an API): the sum of the whole-number parameters."""
        return sum(p for p in self.params if isinstance(p, int))


def _check_together(definition: IndicatorDef, params: tuple[int | float, ...]) -> None:
    if definition.name == "macd" and params[0] >= params[1]:
        message = f"macd fast length ({params[0]}) must be below the slow one ({params[1]})."
        raise ParameterError(PARAMETER, message)
    if definition.name == "psar" and params[0] > params[1]:
        message = (
            f"psar acceleration ({format_param(params[0])}) must not be above the maximum "
            f"({format_param(params[1])})."
        )
        raise ParameterError(PARAMETER, message)
