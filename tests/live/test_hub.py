"""The hub's subscriptions: newest state per bar, bounded, and safe to leave mid-publish."""

from __future__ import annotations

from app.live.hub import LiveMessage, MemoryHub


def message(*bars: tuple[int, str]) -> LiveMessage:
    return LiveMessage(tuple(t for t, _ in bars), tuple(b.encode() for _, b in bars))


def test_a_slow_reader_gets_the_newest_state_of_each_bar_once() -> None:
    hub = MemoryHub()
    woken = []
    sub = hub.subscribe("k", label="EURUSD", notify=lambda: woken.append(1), max_bytes=10_000)
    hub.publish("k", message((60, "a1")))
    hub.publish("k", message((60, "a2"), (120, "b1")))  # bar 60 closed, bar 120 opens
    hub.publish("k", message((120, "b2")))
    hub.publish("k", message((120, "b3")))
    reset, taken = sub.take()
    assert not reset and len(woken) == 4
    assert taken == message((60, "a2"), (120, "b3"))
    assert taken.joined == b"[a2,b3]"
    assert sub.take() == (False, None)


def test_a_backlog_past_the_bound_overflows_and_is_dropped() -> None:
    hub = MemoryHub()
    sub = hub.subscribe("k", label="X", notify=lambda: None, max_bytes=100)
    hub.publish("k", message((0, "x" * 80)))  # one message is always held
    assert not sub.overflowed
    hub.publish("k", message((60, "y" * 80)))
    assert sub.overflowed and sub.pending_bytes == 0
    hub.publish("k", message((120, "z")))
    assert sub.take() == (False, None)


def test_leaving_while_a_message_is_handed_out_skips_nobody() -> None:
    hub = MemoryHub()
    got: list[str] = []
    first = hub.subscribe("k", label="X", notify=lambda: hub.unsubscribe(first), max_bytes=99)
    hub.subscribe("k", label="X", notify=lambda: got.append("second"), max_bytes=99)
    hub.publish("k", message((0, "a")))
    assert got == ["second"]
    assert hub.stats() == {"total_subscriptions": 1, "symbol_subscribers": {"X": 1}}


def test_reset_replaces_pending_bars_and_messages_cross_processes_as_bytes() -> None:
    hub = MemoryHub()
    sub = hub.subscribe("k", label="X", notify=lambda: None, max_bytes=99)
    hub.publish("k", message((0, "a")))
    hub.publish("k", LiveMessage(reset=True))
    assert sub.take() == (True, None)
    original = message((0, '{"time":0}'), (60, '{"time":60}'))
    assert LiveMessage.from_bytes(original.to_bytes()) == original
