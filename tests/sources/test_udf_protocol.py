"""Reading UDF /history answers as the specification spells them, and refusing what is not."""

from __future__ import annotations

import pytest

from app.core.errors import UpstreamPayloadError
from app.core.sources.udf_protocol import (
    NoData,
    history_error,
    history_no_data,
    history_ok,
    read_history,
    resolution_of,
    timeframe_of_resolution,
)
from app.core.timeframes import TIMEFRAMES

OK = {"s": "ok", "t": [1704067200, 1704070800], "o": [1, 2], "h": [2, 3], "l": [0.5, 1]}
OK |= {"c": [1.5, 2.5], "v": [10, 20]}


def test_an_ok_answer_is_the_canonical_frame():
    frame = read_history(OK, "x", max_bars=10)
    assert frame["time"].iloc[0].isoformat() == "2024-01-01T00:00:00+00:00"
    assert frame["close"].tolist() == [1.5, 2.5] and frame["volume"].tolist() == [10, 20]
    without_volume = {k: v for k, v in OK.items() if k != "v"}
    assert read_history(without_volume, "x", max_bars=10)["volume"].tolist() == [0, 0]


def test_no_data_and_error_answers():
    assert read_history(history_no_data(1700000000), "x", max_bars=10) == NoData(1700000000)
    assert read_history({"s": "no_data"}, "x", max_bars=10) == NoData(None)
    with pytest.raises(UpstreamPayloadError, match="x: Unknown symbol"):
        read_history(history_error("Unknown\nsymbol"), "x", max_bars=10)


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ([], "not a UDF history object"),
        ({"s": "maybe"}, "none of ok, no_data, error"),
        ({**OK, "c": None}, "no 'c' list"),
        ({**OK, "c": [1.5]}, "differ in length"),
        ({**OK, "o": ["one", 2]}, "not numbers"),
        ({**OK, "t": [1e30, 2e30]}, "not UNIX seconds"),
        ({**OK, "h": [0.1, 0.1]}, "x:"),  # high below low: the core's own check
    ],
)
def test_what_is_not_the_protocol_is_refused(payload, words):
    with pytest.raises(UpstreamPayloadError, match=words):
        read_history(payload, "x", max_bars=10)


def test_more_bars_than_the_cap_are_refused_before_conversion():
    with pytest.raises(UpstreamPayloadError, match="over the 1-bar cap"):
        read_history(OK, "x", max_bars=1)


def test_resolutions_and_timeframes_map_both_ways():
    for tf in TIMEFRAMES.values():
        assert timeframe_of_resolution(resolution_of(tf)) == tf
    assert timeframe_of_resolution("D") == TIMEFRAMES["1d"]
    assert timeframe_of_resolution("3") is None
    assert history_ok([1], [1], [1], [1], [1], None) == {
        "s": "ok",
        "t": [1],
        "o": [1],
        "h": [1],
        "l": [1],
        "c": [1],
    }
