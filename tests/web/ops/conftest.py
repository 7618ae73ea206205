"""The small DATA_DIR and server helper of the access tests, shared here."""

from __future__ import annotations

from tests.web.access.conftest import access_data

__all__ = ["access_data"]
