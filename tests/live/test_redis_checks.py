"""What a replica accepts from a Redis channel (#19): the envelope, its signature, the bars."""

from __future__ import annotations

import numpy as np
import orjson
import pytest

from app.core.indicators import parse_indicators
from app.live.hub import LiveMessage
from app.live.redis_checks import RejectedMessage, check_message, open_envelope
from app.live.redis_wire import KIND_MESSAGE, envelope, new_origin
from app.live.streams import bar_records, record_fields

FIELDS = ("time", "open", "high", "low", "close", "volume", "ema_10")
SECRET = b"0123456789abcdef-shared"


def records(times: list[int], ema: list[float]) -> LiveMessage:
    n = len(times)
    columns = {"time": np.array(times, dtype=np.int64)}
    for name in ("open", "high", "low", "close", "volume"):
        columns[name] = np.linspace(1.25, 9.5, n)
    columns["ema_10"] = np.array(ema, dtype=np.float64)
    return LiveMessage(tuple(times), tuple(bar_records(columns)))


def test_a_replicas_bars_pass_byte_for_byte() -> None:
    original = records([60, 120], [np.nan, 1.0 / 3.0])
    checked = check_message(original.to_bytes(), FIELDS)
    assert checked == original  # the same bytes: de-duplication against own bars still works
    reset = LiveMessage(reset=True)
    assert check_message(reset.to_bytes(), FIELDS) == reset


def test_the_streams_fields_follow_the_api_order() -> None:
    specs = tuple(parse_indicators("macd,rsi:14"))
    fields = record_fields((10, 21), specs)
    assert fields[:8] == ("time", "open", "high", "low", "close", "volume", "ema_10", "ema_21")
    assert len(fields) == 8 + sum(len(spec.columns) for spec in specs)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b'{"times":[1],"bars":[1],"reset":false}', "not a JSON text"),
        (b'{"times":[60],"bars":["[not json ]]]"],"reset":false}', "not JSON"),
        (b'{"times":[60],"bars":[],"reset":false}', "1 times for 0 bars"),
        (b'{"times":[],"bars":[],"reset":false}', "no bars"),
        (b'{"times":[60],"bars":["{}"],"reset":true}', "a reset carries no bars"),
        (b'{"times":[60,60],"bars":["{}","{}"],"reset":false}', "increasing"),
        (b'{"times":[true],"bars":["{}"],"reset":false}', "increasing"),
        (b'{"times":[60],"bars":["{}"],"reset":false,"x":1}', "payload is not"),
        (b"not json", "payload is not JSON"),
    ],
)
def test_malformed_bodies_are_rejected(payload: bytes, reason: str) -> None:
    with pytest.raises(RejectedMessage, match=reason):
        check_message(payload, FIELDS)


def bar(**values: object) -> str:
    base = {"time": 60, "open": 1.0, "high": 2.0, "low": 0.5, "close": 1.5, "volume": 3.0,
            "ema_10": None}  # fmt: skip
    base.update(values)
    return LiveMessage((60,), (orjson.dumps(base),)).to_bytes().decode()


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (bar(INJECTED="<script>"), "fields are not the stream's 7"),
        (bar(close="<script>"), "close is not a finite number"),
        (bar(volume=None), "volume is not a finite number"),
        (bar(open=True), "open is not a finite number"),
        (bar(ema_10="1"), "ema_10 is not a finite number"),
        (bar(time=120), "time is not its entry"),
        (bar(time=60.0), "time is not its entry"),
    ],
)
def test_bars_must_hold_the_streams_fields_and_types(payload: str, reason: str) -> None:
    with pytest.raises(RejectedMessage, match=reason):
        check_message(payload.encode(), FIELDS)


def test_a_repeated_key_is_forwarded_as_one_clean_value() -> None:
    text = '{"time":60,"open":"<script>","open":1.0,"high":2.0,"low":0.5,"close":1.5,'
    text += '"volume":3.0,"ema_10":null}'
    payload = LiveMessage((60,), (text.encode(),)).to_bytes()
    (checked,) = check_message(payload, FIELDS).bars
    assert b"script" not in checked and checked.startswith(b'{"time":60,"open":1.0,')


def test_envelopes_are_checked_and_signed_with_the_shared_secret() -> None:
    origin, payload = new_origin(), records([60], [1.0]).to_bytes()
    signed = envelope(origin, KIND_MESSAGE, payload, SECRET)
    assert open_envelope(signed, SECRET, 10_000).payload == payload
    assert open_envelope(envelope(origin, KIND_MESSAGE, payload), None, 10_000).origin == origin
    forged = signed.replace(b"1.25", b"9.99")
    failures = [
        (forged, SECRET, "bad signature"),
        (envelope(origin, KIND_MESSAGE, payload), SECRET, "bad signature"),
        (envelope(origin, KIND_MESSAGE, payload, b"another-secret-0123"), SECRET, "bad sig"),
        (signed, None, "no LIVE_REDIS_SECRET"),
        (signed, SECRET, "over the 100-byte cap"),
        (b"zzzzzzzzzzzz m - {}", None, "not a replica id"),
        ("text", None, "not bytes"),
    ]
    for data, secret, reason in failures:
        cap = 100 if "cap" in reason else 10_000
        with pytest.raises(RejectedMessage, match=reason):
            open_envelope(data, secret, cap)
