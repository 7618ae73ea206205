"""The sidebar's indicator picker over the core catalog (issue #12): a multiselect of
indicators, then one parameters box per picked indicator ("12:26:9"; several instances of one
indicator separated by commas, "20, 50").

A bad parameter is said right under its box and only that instance is left out; the rest draw.
EMAs and indicators share the core's cap of MAX_LINES lines: past it, the last ones are left out
and the picker says which.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import streamlit as st

from app.core.errors import ParameterError
from app.core.indicators import (
    CATALOG,
    MAX_LINES,
    IndicatorDef,
    IndicatorSpec,
    count_lines,
    format_param,
    parse_indicators,
)
from app.streamlit_app.literal_text import literal

PICKED_KEY = "indicators"


def params_key(name: str) -> str:
    return f"indicator_params_{name}"


def default_params(definition: IndicatorDef) -> str:
    return ":".join(format_param(p.default) for p in definition.params)


def _option_label(name: str) -> str:
    definition = CATALOG[name]
    where = "over price" if definition.pane == "price" else "own pane"
    return f"{definition.label} · {definition.title} ({where})"


def _params_help(definition: IndicatorDef) -> str:
    ranges = "; ".join(
        f"{p.label} {format_param(p.min)}–{format_param(p.max)} (default {format_param(p.default)})"
        for p in definition.params
    )
    return (
        f"{ranges}. Write them in this order separated by ':' (or spaces); "
        "several instances separated by commas, e.g. 20, 50."
    )


def parse_instances(name: str, text: str) -> tuple[list[IndicatorSpec], list[str]]:
    """``"20, 50"`` for ``sma`` -> SMA 20 and SMA 50, and the message of each bad instance."""
    specs: list[IndicatorSpec] = []
    problems: list[str] = []
    chunks = [chunk.strip() for chunk in text.split(",") if chunk.strip()] or [""]
    for chunk in chunks:
        params = [piece for piece in re.split(r"[:\s]+", chunk) if piece]
        try:
            [spec] = parse_indicators([":".join([name, *params])])
        except ParameterError as exc:
            problems.append(str(exc))
            continue
        if spec not in specs:
            specs.append(spec)
    return specs, problems


def choose_indicators(emas: Sequence[int]) -> tuple[IndicatorSpec, ...]:
    """The indicator instances to draw, at most MAX_LINES together with ``emas``."""
    names = st.multiselect(
        "Indicators",
        list(CATALOG),
        format_func=_option_label,
        key=PICKED_KEY,
        placeholder="RSI, MACD, Bollinger Bands…",
        select_all=False,  # "Select all" would pick past the MAX_LINES cap
        help="Oscillators get their own pane under the price; averages and bands draw over it.",
    )
    specs: list[IndicatorSpec] = []
    for name in names:
        definition = CATALOG[name]
        if not definition.params:
            specs.extend(s for s in parse_instances(name, "")[0] if s not in specs)
            continue
        text = st.text_input(
            f"{definition.label} ({' : '.join(p.label for p in definition.params)})",
            value=default_params(definition),
            key=params_key(name),
            help=_params_help(definition),
        )
        found, problems = parse_instances(name, text)
        for problem in problems:
            st.error(literal(problem), icon=":material/error:")
        specs.extend(s for s in found if s not in specs)
    return _within_cap(emas, specs)


def _within_cap(emas: Sequence[int], specs: list[IndicatorSpec]) -> tuple[IndicatorSpec, ...]:
    kept: list[IndicatorSpec] = []
    for spec in specs:
        if count_lines(emas, [*kept, spec]) > MAX_LINES:
            left_out = ", ".join(s.label for s in specs[len(kept) :])
            st.warning(
                f"At most {MAX_LINES} lines per chart, EMAs ({len(emas)}) and indicators "
                f"together: left out {left_out}.",
                icon=":material/warning:",
            )
            break
        kept.append(spec)
    return tuple(kept)
