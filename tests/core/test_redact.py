"""Redactor: no run of 8 or more characters of a secret survives, in any case (#19)."""

from __future__ import annotations

import pytest

from app.core.redact import LEAKED_RUN, Redactor

KEY = "sk-SECRET-1234567890abcdefXYZ"


def runs_of_key(text: str) -> list[str]:
    folded = text.lower()
    return [
        KEY[i : i + LEAKED_RUN]
        for i in range(len(KEY) - LEAKED_RUN + 1)
        if KEY[i : i + LEAKED_RUN].lower() in folded
    ]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("cut: sk-SECRET-1234", "cut: ***"),  # the head left at a cut (14 of 29 characters)
        (f"upper {KEY.upper()} lower {KEY.lower()}.", "upper *** lower ***."),
        ("halves sk-SECRET-12345 and 67890abcdefXYZ", "halves *** and ***"),
        (f"twice {KEY}{KEY}", "twice ******"),
        ("seven sk-SECR and none here", "seven sk-SECR and none here"),  # 7: not a run of 8
    ],
)
def test_pieces_of_a_key_are_masked(text: str, shown: str) -> None:
    scrubbed = Redactor([KEY])(text)
    assert scrubbed == shown
    assert runs_of_key(scrubbed) == []


def test_a_short_secret_is_masked_whole_only() -> None:
    assert Redactor(["abc12"])("x abc12 y abc1") == "x *** y abc1"
