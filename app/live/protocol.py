"""``WS /ws`` frames: what a client may send, checked before any work, and what we send back.

A frame that is not a JSON object with a known ``type`` is a protocol error (the connection is
closed with 1008). A well-formed request with a bad parameter gets an ``error`` frame worded as
the HTTP API words it, and the connection stays open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from app.core import ParameterError, parse_ema_periods
from app.core.bar_limits import DEFAULT_LIMIT
from app.core.errors import shorten
from app.core.heikin_ashi import ChartType, parse_chart_type
from app.core.indicators import IndicatorSpec, check_line_count, parse_indicators
from app.core.time_bounds import parse_time_point
from app.core.timeframes import Timeframe, parse_timeframe

MESSAGE_TYPES = ("subscribe", "unsubscribe", "replay", "replay_control", "quotes", "alerts")
REPLAY_ACTIONS = ("pause", "play", "step", "speed")
MAX_ID_CHARS = 100


class ProtocolError(Exception):
    """Not our protocol: the connection is closed with 1008 and this reason."""


@dataclass(frozen=True)
class StreamRequest:
    """A subscribe or replay: the same parameters as ``/api/ohlcv``."""

    type: str
    id: str | None
    symbol: str
    timeframe: Timeframe | None
    periods: tuple[int, ...]
    specs: tuple
    limit: int
    start: int | None = None  # replay: UNIX seconds
    speed: float = 1.0
    chart: ChartType = "candles"  # heikin_ashi: HA candles, indicators computed on them
    feed: str | None = None  # a source by name, as /api/ohlcv's feed= (FEED_FALLBACK after it)


def parse_frame(text: str, max_bytes: int) -> dict[str, Any]:
    """The frame as a dict with a known ``type``; ProtocolError otherwise."""
    if len(text) > max_bytes and len(text.encode()) > max_bytes:
        raise ProtocolError(f"message over {max_bytes} bytes")
    try:
        message = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise ProtocolError("not JSON") from None
    if not isinstance(message, dict):
        raise ProtocolError("not a JSON object")
    if message.get("type") not in MESSAGE_TYPES:
        raise ProtocolError(f"type must be one of {', '.join(MESSAGE_TYPES)}")
    return message


def message_id(message: dict[str, Any]) -> str | None:
    value = message.get("id")
    if value is None:
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ParameterError("id", "id must be a string.")
    value = str(value)
    if not value or len(value) > MAX_ID_CHARS:
        raise ParameterError("id", f"id must be 1 to {MAX_ID_CHARS} characters.")
    return value


def parse_stream_request(
    message: dict[str, Any],
    *,
    default_symbol: str,
    default_emas: tuple[int, ...],
    max_limit: int,
    max_speed: float,
) -> StreamRequest:
    """A subscribe / replay frame -> its parameters, or ParameterError (the HTTP API's words)."""
    kind = message["type"]
    symbol = message.get("symbol")
    if symbol is not None and not isinstance(symbol, str):
        raise ParameterError("symbol", "symbol must be a string.")
    symbol = (symbol or "").strip() or default_symbol
    if len(symbol) > 100:
        raise ParameterError("symbol", f"Unknown symbol {shorten(symbol)!r}.")
    feed = message.get("feed")
    if feed is not None and (not isinstance(feed, str) or len(feed) > 40):
        raise ParameterError("feed", "feed must be a source's name such as pyth or binance.")
    feed = feed.strip() or None if isinstance(feed, str) else None
    raw_tf = message.get("timeframe")
    if raw_tf is not None and not isinstance(raw_tf, str):
        raise ParameterError("timeframe", "timeframe must be a string such as 1h.")
    timeframe = parse_timeframe(raw_tf) if raw_tf and raw_tf.strip() else None
    emas = message.get("emas")
    if emas is not None and not isinstance(emas, str | list):
        raise ParameterError("emas", "emas must be a comma-separated string such as 10,21.")
    periods = parse_ema_periods(emas, default_emas)
    specs = parse_indicator_specs(message.get("indicators"))
    check_line_count(periods, specs)  # the HTTP API's 12-line cap, before any work
    chart = parse_chart(message.get("chart"))
    limit = _limit(message.get("limit"), max_limit)
    request_id = message_id(message)  # None: SYMBOL:timeframe, once the timeframe is known
    if kind == "subscribe":
        return StreamRequest(
            kind, request_id, symbol, timeframe, periods, specs, limit, chart=chart, feed=feed
        )
    stamp = parse_time_point(message.get("start"), "start")  # one range, number or text
    if stamp is None:
        raise ParameterError("start", "replay needs start (UNIX seconds or ISO 8601).")
    speed = parse_speed(message.get("speed", 1.0), max_speed)
    return StreamRequest(
        kind,
        request_id,
        symbol,
        timeframe,
        periods,
        specs,
        limit,
        start=int(stamp.timestamp()),
        speed=speed,
        chart=chart,
        feed=feed,
    )


def parse_chart(value: object) -> ChartType:
    """``/api/ohlcv``'s ``chart``: none -> candles, else candles or heikin_ashi."""
    if value is not None and not isinstance(value, str):
        raise ParameterError("chart", "chart must be a string: candles or heikin_ashi.")
    return parse_chart_type(value)


def parse_indicator_specs(value: object) -> tuple[IndicatorSpec, ...]:
    """The catalog's ``parse_indicators``; none asked: ``()``."""
    if value is None or value == "":
        return ()
    if not isinstance(value, str):
        raise ParameterError("indicators", "indicators must be a string such as rsi:14,macd.")
    return tuple(parse_indicators(value))


def _limit(value: object, max_limit: int) -> int:
    if value is None:
        return min(DEFAULT_LIMIT, max_limit)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        shown = shorten(repr(value))  # a 4 KB string, a 300-digit number: cut
        raise ParameterError("limit", f"limit must be a whole number of 1 or more, got {shown}.")
    if value > max_limit:
        raise ParameterError(
            "limit",
            f"limit {value:,} is over the {max_limit:,}-bar cap of a live snapshot "
            "(LIVE_MAX_LIMIT); page back with /api/ohlcv end=.",
        )
    return value


def parse_speed(value: object, max_speed: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ParameterError(
            "speed", f"speed must be a number of bars per second above 0, at most {max_speed:g}."
        )
    if value > max_speed:
        raise ParameterError(
            "speed",
            f"speed {value:g} is over the cap of {max_speed:g} bars "
            "per second (LIVE_MAX_REPLAY_SPEED).",
        )
    return float(value)


def error_frame(request_id: str | None, detail: str, **extra: object) -> bytes:
    return orjson.dumps({"type": "error", "id": request_id, "detail": detail, **extra})


def bars_frame(kind: str, request_id: str, symbol: str, timeframe: str, bars: bytes) -> bytes:
    """``{"type": kind, "id", "symbol", "timeframe", "bars": [...]}`` around records JSON."""
    return frame_prefix(kind, request_id, symbol, timeframe) + bars + b"}"


def frame_prefix(kind: str, request_id: str, symbol: str, timeframe: str) -> bytes:
    head = orjson.dumps({"type": kind, "id": request_id, "symbol": symbol, "timeframe": timeframe})
    return head[:-1] + b',"bars":'


def default_id(frame: dict[str, Any]) -> str | None:
    """``SYMBOL:timeframe`` as the client wrote them, for the error frame of a request that
    failed before its id could be worked out."""
    symbol, timeframe = frame.get("symbol"), frame.get("timeframe")
    if isinstance(symbol, str) and isinstance(timeframe, str):
        return f"{symbol.strip()[:100]}:{timeframe.strip()[:20]}"
    return None
