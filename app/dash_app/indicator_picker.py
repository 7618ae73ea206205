"""The indicator picker: a multi-select of the indicators drawn, and a row that adds one of the
core catalog's indicators with its parameters (several instances of one indicator allowed).

The multi-select's values are the catalog's canonical tokens (``rsi:14``, ``macd:12:26:9``):
what the chart callback hands the core, and what the API's ``indicators=`` takes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update

from app.core import SuperChartError
from app.core.indicators import CATALOG, MAX_LINES, IndicatorSpec, parse_indicators
from app.dash_app import inputs

PARAM_SLOTS = 3  # the most parameters a catalog indicator takes (MACD, Stochastic)
DEFAULT_KIND = "rsi"
CHART_HEIGHT_VH = 72  # the chart without panes
PANE_HEIGHT_PX = 150  # each pane under the price adds this much, so the price keeps its room


def chart_style(chosen: Sequence[str]) -> dict:
    """The chart's height for the indicators chosen: taller by one pane per oscillator."""
    try:
        panes = sum(1 for spec in parse_indicators(list(chosen)) if spec.pane == "own")
    except SuperChartError:
        panes = 0  # the chart callback says what is wrong
    return {"height": f"calc({CHART_HEIGHT_VH}vh + {panes * PANE_HEIGHT_PX}px)"}


def option(spec: IndicatorSpec) -> dict:
    """A multi-select entry: ``RSI 14`` for the value ``rsi:14``."""
    return {"label": spec.label, "value": spec.token}


def kind_options() -> list[dict]:
    return [
        {"label": f"{d.label} · {d.title}" + (" (pane)" if d.pane == "own" else ""), "value": name}
        for name, d in CATALOG.items()
    ]


def picker_layout() -> html.Div:
    """Dropdown of the indicators drawn, then "Add": a catalog entry, its parameters, a button."""
    slots = [
        html.Div(
            [
                dbc.Label(id=f"indicator-param-{i}-label", className="small mb-0"),
                dbc.Input(
                    id=f"indicator-param-{i}", type="number", step="any", size="sm", debounce=True
                ),
            ],
            id=f"indicator-param-{i}-box",
            className="sc-param",
        )
        for i in range(PARAM_SLOTS)
    ]
    return html.Div(
        [
            dbc.Label("Indicators", html_for="indicators"),
            dcc.Dropdown(
                id="indicators",
                options=[],
                value=[],
                multi=True,
                searchable=False,
                placeholder="None: add one below",
                className="sc-dropdown mb-2",
            ),
            dcc.Dropdown(
                id="indicator-kind",
                options=kind_options(),
                value=DEFAULT_KIND,
                clearable=False,
                className="sc-dropdown mb-1",
            ),
            html.Div(slots, className="d-flex gap-1 mb-1"),
            dbc.Button("Add indicator", id="indicator-add", size="sm", color="primary"),
            html.Div(id="indicator-error", className="mt-1"),
        ],
        className="mb-3",
    )


def param_fields(kind: str | None) -> list[tuple[str, Any, dict]]:
    """Per slot: (label, default value, style); unused slots hidden. The inputs take any number
    (a browser's min/max would turn an out-of-range entry into no value): the core's message
    says what is allowed."""
    definition = CATALOG.get(kind or "")
    params = definition.params if definition else ()
    fields = []
    for i in range(PARAM_SLOTS):
        if i < len(params):
            fields.append((params[i].label, params[i].default, {}))
        else:
            fields.append(("", None, {"display": "none"}))
    return fields


def add_indicator(
    kind: str | None,
    params: Sequence[Any],
    chosen: Sequence[str],
    options: Sequence[dict],
    emas: int,
) -> tuple[Any, Any, Any]:
    """-> (multi-select value, its options, error shown under the button). A bad parameter or
    one line too many is said there, naming what is allowed; nothing else changes."""
    try:
        definition = CATALOG.get(kind or "")
        if definition is None:
            raise SuperChartError("Choose an indicator to add.")
        given = [p for p in params[: len(definition.params)]]
        if any(p is None for p in given):
            raise SuperChartError(f"Fill in every parameter of {definition.label}.")
        spec = IndicatorSpec(definition.name, tuple(given))
        current = list(parse_indicators(list(chosen)))
        if spec in current:
            raise SuperChartError(f"{spec.label} is drawn already.")
        if len(current) + 1 + emas > MAX_LINES:
            raise SuperChartError(
                f"At most {MAX_LINES} lines per chart (EMAs and indicators together); "
                "remove one first."
            )
    except SuperChartError as exc:
        return no_update, no_update, dbc.Alert(str(exc), color="danger", className="py-1 small")
    values = [s.token for s in current] + [spec.token]
    known = {o.get("value") for o in options if isinstance(o, dict)}
    shown = [o for o in options if isinstance(o, dict)]
    if spec.token not in known:
        shown.append(option(spec))
    return values, shown, None


def register_picker_callbacks(app: Dash) -> None:
    slot_outputs = []
    for i in range(PARAM_SLOTS):
        slot_outputs += [
            Output(f"indicator-param-{i}-label", "children"),
            Output(f"indicator-param-{i}", "value"),
            Output(f"indicator-param-{i}-box", "style"),
        ]

    @app.callback(*slot_outputs, Input("indicator-kind", "value"))
    def on_kind(kind):
        return [value for field in param_fields(inputs.text(kind)) for value in field]

    @app.callback(
        Output("indicators", "value"),
        Output("indicators", "options"),
        Output("indicator-error", "children"),
        Input("indicator-add", "n_clicks"),
        State("indicator-kind", "value"),
        *(State(f"indicator-param-{i}", "value") for i in range(PARAM_SLOTS)),
        State("indicators", "value"),
        State("indicators", "options"),
        State("emas", "value"),
        prevent_initial_call=True,
    )
    def on_add(_clicks, kind, *rest):
        params = [inputs.number(v) for v in rest[:PARAM_SLOTS]]
        chosen, options, emas = rest[PARAM_SLOTS:]
        return add_indicator(
            inputs.text(kind),
            params,
            inputs.tokens(chosen),
            options if isinstance(options, list) else [],
            len(inputs.periods(emas)),
        )
