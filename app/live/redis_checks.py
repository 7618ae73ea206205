"""What a replica accepts from a Redis channel before any of it reaches a browser.

Anything that can PUBLISH on the hub's channels could otherwise speak to every client, so each
message is checked, cheapest first: its size (``max_bytes``), its envelope (a 12-hex-digit
origin, a known kind, the HMAC under LIVE_REDIS_SECRET when one is set), then its bars: an object
``{"times", "bars", "reset"}``, times increasing integers, each bar a JSON object of exactly the
stream's fields in ``/api/ohlcv``'s order (``time``, the five prices, then the stream's indicator
columns), ``time`` equal to its entry in ``times``, prices finite numbers, indicators finite
numbers or ``null``. Each bar is then written again from its parsed values (``orjson``), so what
is forwarded is valid JSON of those fields whatever bytes came in (a repeated key, say). That the
message comes from the stream's lease holder is checked by the hub (it needs Redis to know).

Anything that fails raises ``RejectedMessage`` with a short reason of our own words (never the
message's content, which may be hostile or huge).
"""

from __future__ import annotations

import hmac
import math
import re

import orjson

from app.live.hub import LiveMessage
from app.live.redis_wire import (
    KIND_MESSAGE,
    KIND_RELEASED,
    UNSIGNED,
    Envelope,
    signature,
)

PRICE_COUNT = 5  # open, high, low, close, volume follow ``time`` in every bar
MAX_BAR_TIME = 2**40  # seconds: far past any real date, still an exact float in browsers
_ORIGIN = re.compile(rb"[0-9a-f]{12}")
_BODY_KEYS = {"times", "bars", "reset"}


class RejectedMessage(ValueError):
    """A message from Redis that is not one a replica of this service sent."""


def open_envelope(data: object, secret: bytes | None, max_bytes: int) -> Envelope:
    """The checked envelope of ``data`` (its payload still unread)."""
    if not isinstance(data, bytes):
        raise RejectedMessage("not bytes")
    if len(data) > max_bytes:
        raise RejectedMessage(f"{len(data)} bytes, over the {max_bytes}-byte cap")
    parts = data.split(b" ", 3)
    if len(parts) != 4:
        raise RejectedMessage("not an envelope (origin kind signature payload)")
    origin, kind, signed, payload = parts
    if not _ORIGIN.fullmatch(origin):
        raise RejectedMessage("origin is not a replica id")
    if kind not in (KIND_MESSAGE, KIND_RELEASED):
        raise RejectedMessage("unknown kind")
    if kind == KIND_RELEASED and payload:
        raise RejectedMessage("a release carries nothing")
    if secret:
        if not hmac.compare_digest(signed, signature(secret, origin, kind, payload)):
            raise RejectedMessage("bad signature (LIVE_REDIS_SECRET)")
    elif signed != UNSIGNED:
        raise RejectedMessage("signed, but this replica has no LIVE_REDIS_SECRET")
    return Envelope(origin, kind, signed, payload)


def check_message(payload: bytes, fields: tuple[str, ...]) -> LiveMessage:
    """The bars of ``payload`` as a ``LiveMessage`` of a stream whose records have ``fields``."""
    try:
        body = orjson.loads(payload)
    except orjson.JSONDecodeError:
        raise RejectedMessage("payload is not JSON") from None
    if not isinstance(body, dict) or set(body) != _BODY_KEYS:
        raise RejectedMessage('payload is not {"times", "bars", "reset"}')
    times, bars, reset = body["times"], body["bars"], body["reset"]
    if type(reset) is not bool or not isinstance(times, list) or not isinstance(bars, list):
        raise RejectedMessage("times, bars or reset of the wrong type")
    if len(times) != len(bars):
        raise RejectedMessage(f"{len(times)} times for {len(bars)} bars")
    if reset:
        if times:
            raise RejectedMessage("a reset carries no bars")
        return LiveMessage(reset=True)
    if not times:
        raise RejectedMessage("no bars")
    previous = -1
    for time in times:
        if type(time) is not int or not previous < time < MAX_BAR_TIME:
            raise RejectedMessage("bar times are not increasing UNIX seconds")
        previous = time
    records = [_check_bar(text, time, fields) for time, text in zip(times, bars, strict=True)]
    return LiveMessage(tuple(times), tuple(records))


def _check_bar(text: object, time: int, fields: tuple[str, ...]) -> bytes:
    if not isinstance(text, str):
        raise RejectedMessage("a bar is not a JSON text")
    try:
        bar = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise RejectedMessage("a bar is not JSON") from None
    if not isinstance(bar, dict) or tuple(bar) != fields:
        raise RejectedMessage(f"a bar's fields are not the stream's {len(fields)}")
    if type(bar["time"]) is not int or bar["time"] != time:
        raise RejectedMessage("a bar's time is not its entry in times")
    for index, name in enumerate(fields[1:]):
        value = bar[name]
        if value is None and index >= PRICE_COUNT:
            continue  # an indicator still warming up
        if type(value) not in (int, float) or not math.isfinite(value):
            raise RejectedMessage(f"a bar's {name} is not a finite number")
    return orjson.dumps(bar)
