"""The dashboard's 2x2 grid through AppTest: four charts, each with its own symbol and timeframe,
and the quotes table of their symbols."""

from __future__ import annotations

import json
from pathlib import Path

from tests.streamlit.app_views import errors, plotly_charts, run_app, typed_list
from tests.streamlit.ohlcv_samples import ohlcv_csv


def _figures(at) -> list[dict]:
    """The four cells' figures (each cell is the Plotly component, as the single chart)."""
    return [json.loads(json.loads(c.proto.json_args)["figure"]) for c in plotly_charts(at)]


def _titles(at) -> list[str]:
    return [figure["layout"]["title"]["text"] for figure in _figures(at)]


def test_grid_shows_four_charts_each_with_its_symbol_and_timeframe(data_dir: Path):
    (data_dir / "other.csv").write_bytes(ohlcv_csv(300))
    at = run_app()
    at.radio(key="layout").set_value("grid").run()
    assert not errors(at)
    assert _titles(at) == ["other · 1h", "sample_ohlcv · 1h", "other · 1h", "sample_ohlcv · 1h"]
    at.selectbox(key="grid_timeframe_1").set_value("4h").run()
    at.selectbox(key="grid_symbol_2").set_value("sample_ohlcv").run()
    assert _titles(at) == [
        "other · 1h",
        "sample_ohlcv · 4h",
        "sample_ohlcv · 1h",
        "sample_ohlcv · 1h",
    ]
    candles = [figure["data"][0] for figure in _figures(at)]
    assert len(typed_list(candles[1]["x"])) == 75  # 300 hourly bars are 75 of 4h
    table = at.dataframe[0].value
    assert sorted(table["Symbol"]) == ["other", "sample_ohlcv"]
    assert table["Last"].notna().all()
