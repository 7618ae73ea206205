"""Conditional requests: does ``If-None-Match`` name the answer we would send?"""

from __future__ import annotations

import re

_ENTITY_TAG = re.compile(r'(?:W/)?"([^"]*)"')


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """``If-None-Match`` by the weak comparison of RFC 9110 §13.1.2: ``*`` matches any current
    representation; otherwise any listed entity tag equal to ours once ``W/`` is set aside."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    ours = _opaque(etag)
    return any(match.group(1) == ours for match in _ENTITY_TAG.finditer(if_none_match))


def _opaque(etag: str) -> str:
    match = _ENTITY_TAG.fullmatch(etag.strip())
    return match.group(1) if match else etag
