"""The bodies of ``/udf/history`` and ``/udf/timescale_marks``: our bars as the UDF protocol
spells them (the words of ``app.core.sources.udf_protocol``, shared with our UDF client), the
very values ``/api/ohlcv`` gives for the same bars, from the source a request would reach.

History: bars with ``from <= t <= to`` (both included, as the UDF specification says), or with
``countback`` the last ``countback`` bars up to ``to`` (countback comes first, as the
specification says). ``{"s": "no_data", "nextTime": t}`` when none are there but older ones are
(``t`` the newest bar before the window, so the library jumps to it); ``{"s": "no_data"}`` alone
before the first bar (nothing older: the library stops scrolling back). Errors are
``{"s": "error", "errmsg": ...}``. At most MAX_UDF_BARS bars an answer: more (a countback, or a
range holding more) is an error naming the cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
import pandas as pd

from app.charts.lightweight import ohlcv_columns
from app.charts.theme import DOWN, UP
from app.core import OhlcvView, get_ohlcv
from app.core.analysis import DEFAULT_SIGMA, DEFAULT_WINDOW, find_volume_spikes
from app.core.errors import ParameterError, shorten
from app.core.frame import epoch_seconds
from app.core.sources.udf_protocol import history_error, history_no_data, history_ok
from app.core.timeframes import Timeframe
from app.core.udf_resolutions import timeframe_of_resolution
from app.web.answer_cache import AnswerCache

MAX_UDF_BARS = 100_000  # bars in one /udf/history answer (a countback, or a from..to range)
MAX_MARKS = 1_000  # timescale marks in one answer
EARLIEST = -(2**40)  # UNIX seconds far outside any data (pandas spans 1677-2262)
LATEST = 2**40
NUMPY = orjson.OPT_SERIALIZE_NUMPY

# Built answers while the data behind them is the very same (as /api/ohlcv's).
answers = AnswerCache(max_entries=256, max_bytes=64 * 2**20, max_body_bytes=4 * 2**20)


@dataclass(frozen=True)
class HistoryQuery:
    symbol: str
    timeframe: Timeframe
    start: int  # UNIX seconds, inclusive
    end: int  # UNIX seconds, not included
    countback: int | None


def _whole(value: str | None, name: str, default: int | None = None) -> int | None:
    if value is None or not value.strip():
        return default
    text = value.strip()
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        raise ParameterError(name, f"{name} must be whole UNIX seconds, got {shorten(text)!r}.")
    if len(digits) > 15:  # far outside any data: the far end
        return EARLIEST if text.startswith("-") else LATEST
    return max(EARLIEST, min(LATEST, int(text)))


def history_query(params: dict[str, str]) -> HistoryQuery:
    """The query of ``/udf/history``, checked (ParameterError naming the parameter)."""
    symbol = (params.get("symbol") or "").strip()
    if not symbol:
        raise ParameterError("symbol", "symbol is required (see /udf/search).")
    timeframe = timeframe_of_resolution(params.get("resolution", ""))
    start = _whole(params.get("from"), "from", EARLIEST)
    end = _whole(params.get("to"), "to", LATEST)
    countback = _whole(params.get("countback"), "countback")
    assert start is not None and end is not None
    if countback is not None:
        if countback < 1:
            raise ParameterError("countback", "countback must be 1 or more.")
        if countback > MAX_UDF_BARS:
            raise ParameterError(
                "countback",
                f"countback {countback:,} is over the {MAX_UDF_BARS:,}-bar cap of /udf/history; "
                "ask for fewer and page back with to=.",
            )
    elif start > end:
        raise ParameterError("from", "from must not be after to.")
    return HistoryQuery(symbol, timeframe, start, end, countback)


def _view(query: HistoryQuery, *, start: int | None, end: int, limit: int) -> OhlcvView:
    return get_ohlcv(
        query.symbol,
        timeframe=query.timeframe,
        emas=(),
        start=start,  # UNIX seconds: the core clamps them to 1677-2262
        end=end,  # inclusive, as the UDF specification has it
        limit=limit,
    )


def history_body(query: HistoryQuery) -> tuple[bytes, pd.DataFrame | None]:
    """The answer's bytes and the frame it was built from (for the answer cache)."""
    if query.countback is not None:
        view = _view(query, start=None, end=query.end, limit=query.countback)
    else:
        view = _view(query, start=query.start, end=query.end, limit=MAX_UDF_BARS + 1)
        if len(view.frame) > MAX_UDF_BARS:
            raise ParameterError(
                "from",
                f"from..to holds more than {MAX_UDF_BARS:,} {query.timeframe.name} bars, the cap "
                "of /udf/history; ask for a shorter range or use countback.",
            )
    if len(view.frame) == 0:
        return orjson.dumps(_no_data(query)), view.source_frame
    columns = ohlcv_columns(view)
    body = history_ok(
        columns["time"],
        columns["open"],
        columns["high"],
        columns["low"],
        columns["close"],
        columns["volume"],
    )
    return orjson.dumps(body, option=NUMPY), view.source_frame


def _no_data(query: HistoryQuery) -> dict[str, Any]:
    """``nextTime``: the newest bar before the window, if there is one (a countback found no
    bar up to ``to``: there is none)."""
    if query.countback is not None or query.start <= EARLIEST + 1:
        return history_no_data()
    older = _view(query, start=None, end=query.start - 1, limit=1)
    if len(older.frame) == 0:
        return history_no_data()
    return history_no_data(int(epoch_seconds(older.frame["time"])[-1]))


def error_body(message: str) -> bytes:
    return orjson.dumps(history_error(message))


def timescale_marks(query: HistoryQuery) -> list[dict[str, Any]]:
    """Volume spikes (``app.core.analysis.spikes``: volume above mean + 4 sigma of the 25 bars
    before) of the bars in ``from <= t <= to``, as timescale marks: green under a rising bar,
    red under a falling one, the tooltip saying how far above the mean."""
    window = _view(query, start=query.start, end=query.end, limit=MAX_UDF_BARS + 1)
    if len(window.frame) > MAX_UDF_BARS:
        raise ParameterError(
            "from",
            f"from..to holds more than {MAX_UDF_BARS:,} {query.timeframe.name} bars, the cap of "
            "/udf/timescale_marks; ask for a shorter range.",
        )
    if len(window.frame) == 0:
        return []
    first = int(epoch_seconds(window.frame["time"])[0])
    before = _view(query, start=None, end=first - 1, limit=DEFAULT_WINDOW).frame
    frame = pd.concat([before, window.frame], ignore_index=True) if len(before) else window.frame
    spikes = [s for s in find_volume_spikes(frame) if s.time >= first]
    if len(spikes) > MAX_MARKS:
        raise ParameterError(
            "from",
            f"{len(spikes):,} volume spikes in from..to, over the {MAX_MARKS:,}-mark cap of "
            "/udf/timescale_marks; ask for a shorter range.",
        )
    rising = dict(
        zip(
            epoch_seconds(frame["time"]).tolist(),
            (frame["close"] >= frame["open"]).tolist(),
            strict=True,
        )
    )
    marks = []
    for spike in spikes:
        above = (
            f"{spike.zscore:.1f} sigma above" if spike.zscore is not None else "far above"
        ) + f" the mean of the {DEFAULT_WINDOW} bars before"
        marks.append(
            {
                "id": f"spike-{spike.time}",
                "time": spike.time,
                "color": UP if rising.get(spike.time, True) else DOWN,
                "label": "V",
                "tooltip": [f"Volume spike: {spike.volume:,.10g}", above],
                "shape": "circle",
            }
        )
    return marks


SPIKE_RULE = f"volume above mean + {DEFAULT_SIGMA:g} sigma of the {DEFAULT_WINDOW} bars before"
