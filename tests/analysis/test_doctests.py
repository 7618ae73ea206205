"""The examples in the analysis modules' docstrings are true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "app.core.analysis.pivots",
    "app.core.analysis.levels",
    "app.core.analysis.spikes",
    "app.core.analysis.signals",
    "app.core.analysis.summary",
    "app.core.analysis.summary_fa",
    "app.core.pairs",
    "app.core.precision",
    "app.charts.plotly_overlays",
    "app.charts.plotly_volume",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
