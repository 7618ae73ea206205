"""Refuse malformed callback requests with a 400 naming the problem, before Dash reads them.

Dash trusts the body of ``POST /_dash-update-component``: a JSON array, a missing ``output``, an
unknown callback or fewer inputs than the callback takes all raised inside Dash and answered
500. The browser's renderer always sends the shape checked here, so only crafted requests are
refused. The values themselves are checked by each callback (:mod:`app.dash_app.inputs`).
"""

from __future__ import annotations

from typing import Any

from dash import Dash
from flask import Response, jsonify, request

DISPATCH_PATH = "/_dash-update-component"
MAX_PROPS = 64  # inputs + states a request may name (ours take at most 7)


class BadCallbackRequest(ValueError):
    """What is wrong with a callback request, in words for the 400."""


def guard_callback_requests(app: Dash) -> None:
    """Check every callback request against the app's registered callbacks."""

    @app.server.before_request
    def check_callback_request() -> Response | None:
        if request.method != "POST" or not request.path.endswith(DISPATCH_PATH):
            return None
        body = request.get_json(silent=True)
        try:
            check_body(body, app.callback_map)
        except BadCallbackRequest as exc:
            response = jsonify(detail=f"Malformed callback request: {exc}")
            response.status_code = 400
            return response
        return None


def check_body(body: Any, callback_map: dict[str, dict]) -> None:
    """BadCallbackRequest unless ``body`` calls a server-side callback of ``callback_map`` with
    exactly its inputs, states and outputs, in order."""
    if not isinstance(body, dict):
        raise BadCallbackRequest("the body must be a JSON object.")
    output = body.get("output")
    if not isinstance(output, str):
        raise BadCallbackRequest("'output' must be the callback's output id (a string).")
    spec = callback_map.get(output)
    if spec is None or "callback" not in spec:
        raise BadCallbackRequest(f"no server callback has the output {output[:80]!r}.")
    _check_props("inputs", body.get("inputs"), spec.get("inputs", []))
    _check_props("state", body.get("state", []), spec.get("state", []))
    _check_outputs(body.get("outputs"), output)
    changed = body.get("changedPropIds", [])
    inputs = {f"{item['id']}.{item['property']}" for item in spec.get("inputs", [])}
    if not isinstance(changed, list) or not all(
        isinstance(prop, str) and prop in inputs for prop in changed
    ):
        raise BadCallbackRequest("'changedPropIds' must list some of the callback's inputs.")


def _check_props(field: str, given: Any, expected: list[dict]) -> None:
    names = ", ".join(f"{item['id']}.{item['property']}" for item in expected) or "none"
    wrong = BadCallbackRequest(f"{field!r} must be [{names}], each {{id, property, value}}.")
    if not isinstance(given, list) or len(given) != len(expected) or len(given) > MAX_PROPS:
        raise wrong
    for item, want in zip(given, expected, strict=True):
        if not isinstance(item, dict):
            raise wrong
        if item.get("id") != want["id"] or item.get("property") != want["property"]:
            raise wrong


def _check_outputs(given: Any, output: str) -> None:
    """``outputs``: one {id, property} for a single output, a list of them for several, as the
    output id spells them (``..a.b...c.d..`` for several)."""
    several = output.startswith("..") and output.endswith("..")
    names = output[2:-2].split("...") if several else [output]
    wanted = [tuple(name.rsplit(".", 1)) for name in names]
    items = given if several else [given]
    wrong = BadCallbackRequest(f"'outputs' must be {', '.join(names)[:200]}.")
    if not isinstance(items, list) or len(items) != len(wanted):
        raise wrong
    for item, (component, prop) in zip(items, wanted, strict=True):
        if not isinstance(item, dict):
            raise wrong
        if item.get("id") != component or item.get("property") != prop:
            raise wrong
