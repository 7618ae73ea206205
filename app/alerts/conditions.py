"""What an alert watches, parsed once when it is created (never ``eval``).

- ``{"type": "price_cross", "price": 1.2345}``: the close crosses the level (either way).
- ``{"type": "indicator", "expr": "rsi_14 > 70"}``: ``<operand> <op> <operand>``, an operand
  being a catalog indicator's column (``rsi_14``, ``macd_12_26_9``, ``macd_signal_12_26_9``,
  ``ema_21``, ``bb_upper_20_2``...), a bar field (``open high low close volume``) or a number;
  ``op`` one of ``> < >= <=`` (true while it holds) or ``crosses crosses_above crosses_below``
  (true on the update where it crosses). At least one operand is not a number.
- ``{"type": "volume_spike"}``: the newest bar's volume breaks the core's spike rule (above the
  mean + 4 standard deviations of the 25 bars before it, ``app.core.analysis.spikes``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from app.core.errors import ParameterError, SuperChartError
from app.core.indicators import CATALOG, IndicatorSpec, parse_indicators

FIELDS = ("open", "high", "low", "close", "volume")
COMPARE = (">", "<", ">=", "<=")
CROSS = ("crosses", "crosses_above", "crosses_below")
MAX_EXPR_CHARS = 200
NAME = re.compile(r"[a-z][a-z0-9_.]{0,60}")
NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")

Operand = str | float


@dataclass(frozen=True)
class Condition:
    kind: str  # price_cross, indicator, volume_spike
    left: Operand = "close"
    op: str = "crosses"
    right: Operand = 0.0
    specs: tuple[IndicatorSpec, ...] = ()

    def as_json(self) -> dict[str, Any]:
        if self.kind == "price_cross":
            return {"type": "price_cross", "price": self.right}
        if self.kind == "volume_spike":
            return {"type": "volume_spike"}
        return {"type": "indicator", "expr": f"{_shown(self.left)} {self.op} {_shown(self.right)}"}

    def describe(self) -> str:
        if self.kind == "price_cross":
            return f"price crossed {_shown(self.right)}"
        if self.kind == "volume_spike":
            return "volume spike"
        return f"{_shown(self.left)} {self.op.replace('_', ' ')} {_shown(self.right)}"


def _shown(operand: Operand) -> str:
    return f"{operand:g}" if isinstance(operand, float) else operand


def _bad(message: str) -> ParameterError:
    return ParameterError("condition", f"Bad condition: {message}")


def parse_condition(value: object) -> Condition:
    """The condition object of ``POST /api/alerts``; ParameterError naming what is wrong."""
    if not isinstance(value, dict):
        raise _bad('it must be an object such as {"type": "price_cross", "price": 1.2345}.')
    kind = value.get("type")
    if kind == "price_cross":
        price = value.get("price")
        if isinstance(price, bool) or not isinstance(price, int | float):
            raise _bad("price_cross needs a numeric price.")
        if not math.isfinite(price):
            raise _bad("price must be a finite number.")
        return Condition("price_cross", "close", "crosses", float(price))
    if kind == "volume_spike":
        return Condition("volume_spike")
    if kind == "indicator":
        return parse_expression(value.get("expr"))
    raise _bad("type must be price_cross, indicator or volume_spike.")


def parse_expression(expr: object) -> Condition:
    if not isinstance(expr, str) or not expr.strip():
        raise _bad('indicator needs expr, e.g. "rsi_14 > 70".')
    if len(expr) > MAX_EXPR_CHARS:
        raise _bad(f"expr is over {MAX_EXPR_CHARS} characters.")
    text = re.sub(r"\bcrosses\s+(above|below)\b", r"crosses_\1", expr.strip().lower())
    parts = text.split()
    if len(parts) != 3:
        raise _bad(f"expr must be '<operand> <op> <operand>', got {expr.strip()[:60]!r}.")
    left_text, op, right_text = parts
    if op not in COMPARE + CROSS:
        raise _bad(f"unknown operator {op[:20]!r}; use one of {', '.join(COMPARE + CROSS)}.")
    left, left_specs = _operand(left_text)
    right, right_specs = _operand(right_text)
    if isinstance(left, float) and isinstance(right, float):
        raise _bad("at least one side must be an indicator or a bar field.")
    specs = tuple(dict.fromkeys(left_specs + right_specs))
    return Condition("indicator", left, op, right, specs)


def _operand(text: str) -> tuple[Operand, tuple[IndicatorSpec, ...]]:
    if NUMBER.fullmatch(text):
        number = float(text)
        if not math.isfinite(number):
            raise _bad(f"{text[:30]!r} is not a finite number.")
        return number, ()
    if not NAME.fullmatch(text):
        raise _bad(f"{text[:30]!r} is neither a number nor an indicator column such as rsi_14.")
    if text in FIELDS:
        return text, ()
    return text, (indicator_for_column(text),)


def indicator_for_column(column: str) -> IndicatorSpec:
    """The catalog indicator whose output column is ``column`` (``macd_signal_12_26_9`` ->
    ``macd:12:26:9``); ParameterError naming the catalog otherwise."""
    for definition in CATALOG.values():
        for output in definition.outputs:
            if column != output and not column.startswith(output + "_"):
                continue
            params = column[len(output) + 1 :].split("_") if column != output else []
            token = ":".join([definition.name, *params])
            try:
                specs = parse_indicators(token)
            except SuperChartError:
                continue
            if specs and column in specs[0].columns:
                return specs[0]
    raise _bad(
        f"{column[:40]!r} is not an indicator column; use the names of GET /api/indicators "
        "(e.g. rsi_14, macd_12_26_9, macd_signal_12_26_9, ema_21) or open/high/low/close/volume."
    )
