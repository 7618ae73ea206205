"""What the Lightweight Charts engine hands the page and the API: meta with the loader's notices,
and records written from the columns exactly as orjson writes a list of dicts."""

from __future__ import annotations

import numpy as np
import orjson

from app.charts.lightweight import chart_payload, ohlcv_columns, view_meta
from app.core import build_view, read_ohlcv_bytes
from app.core.ohlcv_json import columns_json, records_json
from app.core.synthetic import synthetic_ohlcv

UNSORTED_CSV = (
    b"time,open,high,low,close,volume\n"
    b"2024-01-01T00:00:00Z,10,11,9,10,5\n"
    b"2024-01-01T02:00:00Z,12,13,11,12,5\n"
    b"2024-01-01T01:00:00Z,11,12,10,11,5\n"
    b"2024-01-01T03:00:00Z,13,14,12,13,5\n"
)


def test_meta_and_chart_payload_carry_the_loader_notices():
    view = build_view(read_ohlcv_bytes(UNSORTED_CSV, "x.csv"), symbol="x")
    [notice] = view_meta(view)["notices"]
    assert "x.csv" in notice and "sorted" in notice
    assert chart_payload(view)["notices"] == [notice]
    body = orjson.loads(columns_json(view_meta(view), ohlcv_columns(view)))
    assert body["notices"] == [notice]


def test_clean_data_has_no_notices():
    view = build_view(synthetic_ohlcv(10, "1h"), symbol="x")
    assert chart_payload(view)["notices"] == []


def test_records_json_is_byte_for_byte_orjson_of_the_list_of_dicts():
    frame = synthetic_ohlcv(40, "1h", start="2024-01-01").copy()  # canonical frames: read-only
    frame["open"] = np.round(frame["open"])  # integer-valued floats are written as 10.0
    frame.loc[3, "volume"] = 0.0
    view = build_view(frame, symbol="x", emas=(5, 30))  # ema_30 is null for 29 bars
    columns = ohlcv_columns(view)
    names = list(columns)
    records = [{name: columns[name][row] for name in names} for row in range(len(columns["time"]))]
    expected = orjson.dumps(records, option=orjson.OPT_SERIALIZE_NUMPY)
    assert records_json(columns) == expected
    parsed = orjson.loads(expected)
    assert parsed[0]["ema_30"] is None and parsed[29]["ema_30"] is not None
    assert b'"open":' + str(float(frame["open"].iloc[0])).encode() in expected
    assert b'"volume":0.0' in expected


def test_records_json_of_no_bars_is_an_empty_list():
    view = build_view(synthetic_ohlcv(10, "1h", start="2024-01-01"), symbol="x", start="2030-01-01")
    assert records_json(ohlcv_columns(view)) == b"[]" == orjson.dumps([])
