"""How the Dash app shows errors (an alert with our message, or a generic one) and notices."""

from __future__ import annotations

import logging

import dash_bootstrap_components as dbc

from app.core import SuperChartError

logger = logging.getLogger(__name__)

GENERIC_ERROR = "Something went wrong drawing this chart. The details are in the server log."


def error_alert(exc: Exception) -> dbc.Alert:
    """Our errors with their own message (safe to show); anything else as a generic one, logged
    with its traceback, never shown to the user."""
    if isinstance(exc, SuperChartError):
        message = str(exc)
    else:
        logger.exception("unexpected error in a Dash callback")
        message = GENERIC_ERROR
    return dbc.Alert(message, color="danger", className="sc-error mb-2")


def notices(data_notices: tuple[str, ...], notice: str | None) -> list[dbc.Alert] | None:
    """What the loader fixed (warnings the user can dismiss), then what "Auto" drew."""
    shown = [
        dbc.Alert(text, color="warning", dismissable=True, className="sc-data-notice mb-2")
        for text in data_notices
    ]
    if notice:
        shown.append(dbc.Alert(notice, color="info", className="sc-notice mb-2"))
    return shown or None
