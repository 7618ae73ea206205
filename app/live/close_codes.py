"""Close codes of ``WS /ws`` (issue 14's protocol), in one place for every module that closes."""

from __future__ import annotations

CLOSE_POLICY = 1008  # malformed protocol or refused client
CLOSE_INTERNAL = 1011  # a write failed on our side (the connection's state is not trusted)
CLOSE_TRY_LATER = 1013  # at the connection cap
CLOSE_TOO_SLOW = 4008  # could not keep up
