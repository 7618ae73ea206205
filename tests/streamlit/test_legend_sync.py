"""The legend's report from the browser is checked before it touches the checkboxes, and a
toggle changes only what the component is told to hide, never the figure's text."""

from __future__ import annotations

import json

import pytest

from app.streamlit_app.legend_sync import MAX_ID_CHARS, MAX_NAMES, LegendReport, legend_report
from tests.streamlit.app_views import plotly_charts, run_app

GOOD = {"id": "abc-1", "hidden": ["EMA 10"], "shown": ["EMA 21"]}


def test_a_legend_report_is_read():
    assert legend_report(GOOD) == LegendReport(
        "abc-1", frozenset({"EMA 10"}), frozenset({"EMA 21"})
    )


@pytest.mark.parametrize(
    "value",
    [
        None,
        "EMA 10",
        ["EMA 10"],
        {**GOOD, "id": ""},
        {**GOOD, "id": 7},
        {**GOOD, "id": "x" * (MAX_ID_CHARS + 1)},
        {**GOOD, "hidden": "EMA 10"},
        {**GOOD, "hidden": [10]},
        {**GOOD, "shown": None},
        {**GOOD, "hidden": [f"EMA {n}" for n in range(MAX_NAMES + 1)]},
        {**GOOD, "hidden": ["x" * (MAX_ID_CHARS + 1)]},
    ],
)
def test_anything_else_is_refused(value):
    assert legend_report(value) is None


@pytest.mark.usefixtures("data_dir")
def test_unticking_an_ema_sends_the_same_figure_text_and_names_the_line_hidden():
    at = run_app()
    [before] = [json.loads(c.proto.json_args) for c in plotly_charts(at)]
    at.checkbox(key="ema_21").uncheck().run()
    [after] = [json.loads(c.proto.json_args) for c in plotly_charts(at)]
    assert after["figure"] == before["figure"]  # the cached text: nothing to draw again
    assert before["hidden"] == [] and after["hidden"] == ["EMA 21"]
    assert after["toggled"] == ["EMA 10", "EMA 21", "EMA 50", "EMA 150"]
