"""What the Redis hub keeps per stream: repeated bar states dropped, held-back bars handed over."""

from __future__ import annotations

from app.live.hub import LiveMessage
from app.live.redis_streams import HELD_BACK_BYTES, StreamState


def message(*bars: tuple[int, str]) -> LiveMessage:
    return LiveMessage(tuple(t for t, _ in bars), tuple(b.encode() for _, b in bars))


def stream() -> StreamState:
    return StreamState("k", ("time",), 10_000, lambda: None)


def test_a_bar_state_heard_twice_reaches_the_clients_once() -> None:
    state = stream()
    assert state.fresh(message((60, "a1"))) == message((60, "a1"))
    assert state.fresh(message((60, "a1"))) is None  # the same state from the other source
    assert state.fresh(message((60, "a1"), (120, "b1"))) == message((120, "b1"))
    assert state.fresh(message((120, "b2"))) == message((120, "b2"))
    assert state.fresh(message((120, "b1"))) == message((120, "b1"))  # back to b1: a change


def test_the_replica_taking_over_sends_what_it_held_back() -> None:
    state = stream()
    state.fresh(message((60, "a1")))  # delivered here, from the holder
    state.heard(message((60, "a1")))
    state.hold_back(message((60, "a2")))  # own bars while following
    state.hold_back(message((120, "b1")))
    state.heard(message((60, "a2"), (120, "b1")))  # the holder sent them too
    assert state.held == {120: b"b1"}  # the forming bar is kept, older ones are not
    state.hold_back(message((180, "c1")))  # the holder died before sending this one
    catch_up = state.catch_up()
    assert catch_up == message((60, "a1"), (120, "b1"), (180, "c1"))
    assert state.fresh(catch_up) == message((120, "b1"), (180, "c1"))
    assert state.catch_up() == message((60, "a1"), (120, "b1"), (180, "c1"))  # recent only


def test_held_back_bars_past_the_bound_become_a_reset() -> None:
    state = stream()
    big = "x" * (HELD_BACK_BYTES // 4)
    for minute in range(5):
        state.hold_back(message((minute * 60, big)))
    assert state.held == {} and state.held_reset
    assert state.catch_up() == LiveMessage(reset=True)
    assert state.catch_up() is None
