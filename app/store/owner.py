"""Whose records a request reads and writes.

An ``Authorization: Bearer <token>`` names the token's owner (its SHA-256, never the token);
else ``X-Client-Id`` (an id the browser keeps in local storage); else the shared ``default``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

from app.core.errors import ParameterError

DEFAULT_OWNER = "default"
CLIENT_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")


def owner_of_token(token: str) -> str:
    return "token:" + hashlib.sha256(token.encode()).hexdigest()


def resolve_owner(
    headers: Mapping[str, str],
    client_id: str | None = None,
    *,
    tokens_on: bool = True,
    token: str | None = None,
) -> str:
    """The owner key of a request's headers. With API_TOKENS set (``tokens_on``) the bearer
    token (or ``token``, a WebSocket's ``?token=``) owns; else ``X-Client-Id`` (``client_id``
    stands in for it where a browser cannot set headers, as on a WebSocket). ParameterError for
    a malformed id."""
    if tokens_on:
        auth = headers.get("authorization") or ""
        if auth[:7].lower() == "bearer " and auth[7:].strip():
            return owner_of_token(auth[7:].strip())
        if token:
            return owner_of_token(token)
    client = headers.get("x-client-id") or client_id
    if client:
        if not CLIENT_ID.fullmatch(client):
            raise ParameterError(
                "X-Client-Id",
                "X-Client-Id must be 1 to 100 letters, digits or . _ : - characters.",
            )
        return "client:" + client
    return DEFAULT_OWNER
