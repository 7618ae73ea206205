"""Numbers in a query are ASCII digits, as the indicator specs' (#19).

Pydantic reads ``limit=1_000`` as 1000 (Python's int() does), so a typo or a value another
program built is taken silently. These validators, placed in a parameter's ``Annotated`` type,
refuse text with an underscore or a character outside ASCII before pydantic converts it (the
422 names the parameter); anything else is left to pydantic and its usual messages.
"""

from __future__ import annotations

from pydantic import BeforeValidator


def _plain_digits(value: object) -> object:
    if isinstance(value, str) and ("_" in value or not value.isascii()):
        raise ValueError("must be written in ASCII digits, with no '_' (like 1000 or 2.5)")
    return value


ASCII_DIGITS = BeforeValidator(_plain_digits)
