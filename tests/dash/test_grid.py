"""The Dash app's 2x2 grid, its callbacks called as functions: four charts each with its own
symbol and timeframe, and the quotes table of their symbols."""

from __future__ import annotations

import pytest

from app.charts.plotly_charts import PRICE_TRACE
from app.config import get_settings
from app.dash_app.chart_data import NATIVE
from app.dash_app.grid import grid_figure, quotes_table
from app.dash_app.layout import build_layout

pytestmark = pytest.mark.usefixtures("data_dir")


def _ids(component, kind: str) -> list:
    found = []
    if str(getattr(component, "id", "")).startswith(kind + "-"):
        found.append(component)
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            found.extend(_ids(child, kind))
    return found


def test_the_layout_has_four_grid_charts_with_their_own_pickers():
    layout = build_layout(get_settings())
    symbols = _ids(layout, "grid-symbol")
    assert len(_ids(layout, "grid-chart")) == 4
    assert [select.value for select in symbols] == ["long", "sample_ohlcv", "long", "sample_ohlcv"]
    timeframes = [option["value"] for option in _ids(layout, "grid-timeframe")[0].options]
    assert "auto" not in [value.lower() for value in timeframes]


def test_each_grid_chart_draws_its_symbol_at_its_timeframe():
    settings = get_settings()
    hourly = grid_figure("sample_ohlcv", NATIVE, settings)
    four_hourly = grid_figure("sample_ohlcv", "4h", settings)
    price = next(trace for trace in four_hourly.data if trace.name == PRICE_TRACE)
    assert len(price.x) == 75  # 300 hourly bars
    assert "4h" in four_hourly.layout.title.text and "1h" in hourly.layout.title.text
    missing = grid_figure("nope", "1h", settings)
    assert "nope" in missing["layout"]["title"]["text"]


def test_quotes_table_lists_each_symbol_once_with_its_change():
    table = quotes_table(["sample_ohlcv", "sample_ohlcv", "nope", None], get_settings())
    rows = table.children[1].children
    assert [row.children[0].children for row in rows] == ["sample_ohlcv", "nope"]
    assert isinstance(rows[0].children[1].children, float)
    assert rows[1].children[1].colSpan == 3  # the unknown symbol's error, the others unharmed
