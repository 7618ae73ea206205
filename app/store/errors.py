"""The store's errors, under the project's one hierarchy (``app.core.errors``); each names its HTTP
status (``http_status``, read by ``app.core.error_body``).

SuperChartError
└── StoreError
    ├── StoreUnavailableError   the database cannot be reached (503)
    ├── RecordNotFoundError     no such layout, watchlist, drawing or alert for this owner (404)
    ├── StoreLimitError         an owner at a count cap (409, naming the setting)
    └── BodyTooLargeError       a request body past its byte cap (413, naming the setting)
"""

from __future__ import annotations

from app.core.errors import SuperChartError


class StoreError(SuperChartError):
    """Base of the store's errors."""


class StoreUnavailableError(StoreError):
    """The database did not answer (or its migrations could not run)."""

    http_status = 503


class RecordNotFoundError(StoreError):
    """The record asked for does not exist for this owner."""

    http_status = 404


class StoreLimitError(StoreError):
    """An owner already holds as many records of a kind as allowed."""

    http_status = 409


class BodyTooLargeError(StoreError):
    """A request body larger than its cap (refused before it is parsed)."""

    http_status = 413
