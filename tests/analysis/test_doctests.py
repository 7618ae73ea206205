"""The examples in the analysis modules' docstrings are true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["pivots", "levels", "spikes", "signals", "summary"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"app.core.analysis.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
